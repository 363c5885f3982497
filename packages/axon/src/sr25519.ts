import { sr25519Sign as jsSign, sr25519Verify as jsVerify } from "@polkadot/util-crypto"
import { isReady, sr25519Sign as wasmSign, sr25519Verify as wasmVerify } from "@polkadot/wasm-crypto"

// The WASM build verifies about ten times faster than the pure-JS one `@polkadot/util-crypto`
// now uses, and the validator verifies every request; both share the 64-byte secret layout.
// Until `cryptoReady` has run (or where WASM cannot load), the JS one answers.

/** sr25519 signature (64 bytes) of `message` by the pair. */
export const sign = (publicKey: Uint8Array, secretKey: Uint8Array, message: Uint8Array): Uint8Array =>
  isReady() ? wasmSign(publicKey, secretKey, message) : jsSign(message, { publicKey, secretKey })

/** Whether `signature` is `publicKey`'s over `message`; malformed input is simply invalid. */
export const verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean => {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  try {
    return isReady() ? wasmVerify(signature, message, publicKey) : jsVerify(message, signature, publicKey)
  } catch {
    return false
  }
}
