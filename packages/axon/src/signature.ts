import { u8aToHex } from "@polkadot/util"
import type { Keypair } from "./Keypair.js"
import * as Sr25519 from "./sr25519.js"
import { publicKeyOf } from "./ss58.js"

// No value import from Keypair.ts: the verifier's worker thread loads this module, and
// Keypair.ts would bring the whole of `effect` into it.

/** What a dendrite signs: who calls whom, when (nonce) and with which body. */
export interface RequestSignatureInput {
  readonly nonce: bigint
  readonly dendriteHotkey: string
  readonly axonHotkey: string
  readonly uuid: string
  readonly bodyHash: string
}

/** A request's signed fields with the signature (`0x`-hex or bare hex) to check against them. */
export interface SignedRequest extends RequestSignatureInput {
  readonly signature: string
}

/** What an axon signs on its answer (`synapse.axon.signature` in Python). */
export interface ResponseSignatureInput {
  readonly axonNonce: bigint
  readonly dendriteHotkey: string
  readonly axonHotkey: string
  readonly axonUuid: string
}

/** The dendrite's signed text: `<nonce>.<dendrite hotkey>.<axon hotkey>.<uuid>.<body hash>`. */
export const signatureMessage = (input: RequestSignatureInput): string =>
  `${input.nonce}.${input.dendriteHotkey}.${input.axonHotkey}.${input.uuid}.${input.bodyHash}`

/** The axon's signed text: `<axon nonce>.<dendrite hotkey>.<axon hotkey>.<axon uuid>`. */
export const responseSignatureMessage = (input: ResponseSignatureInput): string =>
  `${input.axonNonce}.${input.dendriteHotkey}.${input.axonHotkey}.${input.axonUuid}`

/** Signs a request as Python's dendrite does; `0x`-hex, for `bt_header_dendrite_signature`. */
export const signRequest = (
  keypair: Keypair,
  input: Omit<RequestSignatureInput, "dendriteHotkey">
): string => u8aToHex(keypair.sign(signatureMessage({ ...input, dendriteHotkey: keypair.address })))

/** Signs an answer as Python's axon does; `0x`-hex, for `bt_header_axon_signature`. */
export const signResponse = (
  keypair: Keypair,
  input: Omit<ResponseSignatureInput, "axonHotkey">
): string => u8aToHex(keypair.sign(responseSignatureMessage({ ...input, axonHotkey: keypair.address })))

/**
 * Whether `signature` (`0x`-hex or bare hex) is `address`'s sr25519 signature of
 * `message`, or of `<Bytes>message</Bytes>` (the wrapping polkadot.js signers add).
 * Malformed addresses or signatures are simply not valid.
 */
export const verifySignature = (address: string, message: string, signature: string): boolean => {
  const publicKey = publicKeyOf(address)
  const hex = signature.startsWith("0x") ? signature.slice(2) : signature
  if (publicKey === undefined || !/^[0-9a-fA-F]{128}$/.test(hex)) return false
  const bytes = Uint8Array.from(Buffer.from(hex, "hex"))
  const verifies = (text: string) => Sr25519.verify(bytes, new TextEncoder().encode(text), publicKey)
  return verifies(message) || verifies(`<Bytes>${message}</Bytes>`)
}

/** Whether a request's signature is the dendrite hotkey's over the request's message. */
export const verifyRequest = (input: SignedRequest): boolean =>
  verifySignature(input.dendriteHotkey, signatureMessage(input), input.signature)

/** Whether an answer's signature is the axon hotkey's over the answer's message. */
export const verifyResponse = (input: ResponseSignatureInput & { readonly signature: string }): boolean =>
  verifySignature(input.axonHotkey, responseSignatureMessage(input), input.signature)
