import { inspect } from "node:util"
import { u8aToHex } from "@polkadot/util"
import {
  cryptoWaitReady,
  encodeAddress,
  mnemonicToMiniSecret,
  mnemonicValidate,
  sr25519PairFromSeed
} from "@polkadot/util-crypto"
import { Effect } from "effect"
import { KeyError } from "./errors.js"
import * as Sr25519 from "./sr25519.js"
import { publicKeyOf, SS58_FORMAT } from "./ss58.js"

let ready: Promise<boolean> | undefined

/**
 * Resolves once `@polkadot/util-crypto` has loaded its WASM (it falls back to pure JS
 * when it cannot, so this never fails). Every keypair constructor runs it first.
 */
export const cryptoReady: Effect.Effect<void> = Effect.promise(() => {
  ready ??= cryptoWaitReady()
  return ready
}).pipe(Effect.asVoid)

/** What a keypair was made from: Bittensor's keyfile writes it back under the same name. */
export type KeyOrigin =
  | { readonly kind: "mnemonic"; readonly mnemonic: string; readonly seed: Uint8Array }
  | { readonly kind: "seed"; readonly seed: Uint8Array }
  | { readonly kind: "private-key" }

interface Secret {
  /** sr25519 secret in the ed25519-style layout `@polkadot/util-crypto` signs with. */
  readonly secretKey: Uint8Array
  readonly origin: KeyOrigin
}

// Kept off the instance so that no enumeration, spread or inspection can reach them.
const secrets = new WeakMap<Keypair, Secret>()

/** An sr25519 hotkey. Prints, serialises and inspects as its ss58 address only. */
export class Keypair {
  private constructor(
    /** The ss58 address (prefix 42). */
    readonly address: string,
    /** The 32-byte sr25519 public key. */
    readonly publicKey: Uint8Array
  ) {}

  /** @internal Builds a keypair from a secret already checked to match `publicKey`. */
  static unsafeMake(publicKey: Uint8Array, secret: Secret): Keypair {
    const keypair = new Keypair(encodeAddress(publicKey, SS58_FORMAT), publicKey)
    secrets.set(keypair, secret)
    return keypair
  }

  /** Signs `message` (UTF-8 when a string) with sr25519; 64 bytes. */
  sign(message: string | Uint8Array): Uint8Array {
    const bytes = typeof message === "string" ? new TextEncoder().encode(message) : message
    return Sr25519.sign(this.publicKey, secretOf(this).secretKey, bytes)
  }

  toString(): string {
    return `Keypair(${this.address})`
  }

  toJSON(): { readonly address: string } {
    return { address: this.address }
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

/** @internal The secret behind a keypair, for the keyfile writer only. */
export const secretOf = (keypair: Keypair): Secret => secrets.get(keypair)!

const fromMiniSecret = (seed: Uint8Array, origin: KeyOrigin): Keypair => {
  const pair = sr25519PairFromSeed(seed)
  return Keypair.unsafeMake(pair.publicKey, { secretKey: pair.secretKey, origin })
}

/** The keypair Bittensor derives from a BIP-39 phrase (no password, no derivation path). */
export const keypairFromMnemonic = (mnemonic: string): Effect.Effect<Keypair, KeyError> =>
  Effect.flatMap(cryptoReady, () => {
    const phrase = mnemonic.trim().split(/\s+/).join(" ")
    if (!mnemonicValidate(phrase)) {
      return Effect.fail(new KeyError({ reason: "the secret phrase is not a valid BIP-39 mnemonic" }))
    }
    const seed = mnemonicToMiniSecret(phrase)
    return Effect.succeed(fromMiniSecret(seed, { kind: "mnemonic", mnemonic: phrase, seed }))
  })

/** The keypair of a 32-byte mini secret (Bittensor's `secretSeed`), as bytes or `0x` hex. */
export const keypairFromSeed = (seed: Uint8Array | string): Effect.Effect<Keypair, KeyError> =>
  Effect.flatMap(cryptoReady, () =>
    Effect.flatMap(bytesOf(seed, "seed"), (bytes) =>
      bytes.length === 32
        ? Effect.succeed(fromMiniSecret(bytes, { kind: "seed", seed: bytes }))
        : Effect.fail(new KeyError({ reason: `the seed must be 32 bytes, found ${bytes.length}` }))
    )
  )

/**
 * The keypair of a Bittensor `privateKey`: 32 bytes are a mini secret, 64 bytes are
 * schnorrkel's canonical secret (scalar ‖ nonce). A 64-byte key does not carry its public
 * key, so the caller names it (`ss58Address`); a test signature proves they match.
 */
export const keypairFromPrivateKey = (
  privateKey: Uint8Array | string,
  address: string
): Effect.Effect<Keypair, KeyError> =>
  Effect.flatMap(cryptoReady, () =>
    Effect.flatMap(bytesOf(privateKey, "private key"), (bytes) => {
      if (bytes.length === 32) return Effect.succeed(fromMiniSecret(bytes, { kind: "private-key" }))
      if (bytes.length !== 64) {
        return Effect.fail(new KeyError({ reason: `the private key must be 32 or 64 bytes, found ${bytes.length}` }))
      }
      const publicKey = publicKeyOf(address)
      if (publicKey === undefined) {
        return Effect.fail(new KeyError({ reason: "the ss58 address is not a valid address" }))
      }
      const secretKey = new Uint8Array([...scaleScalar(bytes.subarray(0, 32), "up"), ...bytes.subarray(32)])
      const probe = new TextEncoder().encode("gittensor-pat keypair probe")
      const matches = Sr25519.verify(Sr25519.sign(publicKey, secretKey, probe), probe, publicKey)
      return matches
        ? Effect.succeed(Keypair.unsafeMake(publicKey, { secretKey, origin: { kind: "private-key" } }))
        : Effect.fail(new KeyError({ reason: "the private key does not belong to the ss58 address" }))
    })
  )

/** Schnorrkel's canonical 64-byte secret (scalar ‖ nonce), as Bittensor's keyfile stores it. */
export const canonicalPrivateKey = (keypair: Keypair): Uint8Array => {
  const { secretKey } = secretOf(keypair)
  return new Uint8Array([...scaleScalar(secretKey.subarray(0, 32), "down"), ...secretKey.subarray(32)])
}

/** `0x`-prefixed lowercase hex of bytes. */
export const toHex = (bytes: Uint8Array): string => u8aToHex(bytes)

// Schnorrkel's canonical form holds the scalar; the ed25519-style form holds it times the
// cofactor 8. Both are 32-byte little-endian numbers.
const scaleScalar = (bytes: Uint8Array, direction: "up" | "down"): Uint8Array => {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!)
  value = direction === "up" ? (value << 3n) & ((1n << 256n) - 1n) : value >> 3n
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}

const bytesOf = (input: Uint8Array | string, what: string): Effect.Effect<Uint8Array, KeyError> => {
  if (typeof input !== "string") return Effect.succeed(input)
  const hex = input.startsWith("0x") ? input.slice(2) : input
  return /^(?:[0-9a-fA-F]{2})*$/.test(hex)
    ? Effect.succeed(Uint8Array.from(Buffer.from(hex, "hex")))
    : Effect.fail(new KeyError({ reason: `the ${what} is not hex` }))
}
