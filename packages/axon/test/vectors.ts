/** Published key vectors, shared by the tests. Where each comes from is noted beside it. */

/** Substrate's development phrase and its root sr25519 address: `DEV_PHRASE` / `DEV_ADDRESS` in sp-core `crypto.rs`. */
export const SUBSTRATE_DEV = {
  mnemonic: "bottom drive obey lake curtain smoke basket hold race lonely fit walk",
  address: "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV",
  publicKey: "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"
} as const

/**
 * bittensor-wallet `tests/test_keyfile.py`: `test_create_sr25519_keypair` (mnemonic →
 * address), `test_only_provide_public_key` (public key) and
 * `test_create_keypair_from_private_key` (64-byte privateKey → the same public key).
 */
export const BTWALLET = {
  mnemonic: "old leopard transfer rib spatial phone calm indicate online fire caution review",
  address: "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX",
  publicKey: "0xe4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446",
  privateKey:
    "0x1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e"
} as const

/** SHA3-256 of the empty string (FIPS 202; the digest docs/protocol.md, "Body hash", quotes). */
export const SHA3_256_EMPTY = "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
