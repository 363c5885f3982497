/** Signed requests for the verifier's tests (the two vector keys as dendrites), its outcomes, a temp folder. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { u8aToHex } from "@polkadot/util"
import { Duration, Effect, FastCheck } from "effect"
import {
  EMPTY_BODY_HASH,
  type Keypair,
  keypairFromMnemonic,
  type SignedRequest,
  signatureMessage,
  signRequest,
  type VerifierError
} from "../src/index.js"
import { BTWALLET, SUBSTRATE_DEV } from "./vectors.js"

/** Two dendrite hotkeys. */
/** A patience no healthy pool comes near, for the tests that are not about it. */
export const patience = Duration.minutes(1)

export const signers: ReadonlyArray<Keypair> = await Effect.runPromise(
  Effect.all([keypairFromMnemonic(SUBSTRATE_DEV.mnemonic), keypairFromMnemonic(BTWALLET.mnemonic)])
)

/** A request signed by `signer` for the BTWALLET axon, with `changes` made after signing. */
export const signedRequest = (signer: Keypair, changes: Partial<SignedRequest> = {}): SignedRequest => {
  const fields = {
    nonce: 1764172800123456789n,
    axonHotkey: BTWALLET.address,
    uuid: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a",
    bodyHash: EMPTY_BODY_HASH
  }
  return { ...fields, dendriteHotkey: signer.address, signature: signRequest(signer, fields), ...changes }
}

// Any code point, and lone surrogate halves too: the worker must see the very same text.
const text = FastCheck.string({
  unit: FastCheck.oneof(
    FastCheck.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    FastCheck.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
  ),
  maxLength: 12
})

interface Signed {
  readonly request: SignedRequest
  readonly signer: Keypair
  readonly other: Keypair
  readonly at: number
}

const tamperings: Record<string, (signed: Signed) => SignedRequest> = {
  none: ({ request }) => request,
  wrapped: ({ request, signer }) => ({
    ...request,
    signature: u8aToHex(signer.sign(`<Bytes>${signatureMessage(request)}</Bytes>`))
  }),
  "bare-hex": ({ request }) => ({ ...request, signature: request.signature.slice(2) }),
  "other-signer": ({ other, request }) => ({ ...request, dendriteHotkey: other.address }),
  nonce: ({ request }) => ({ ...request, nonce: request.nonce + 1n }),
  uuid: ({ request }) => ({ ...request, uuid: `${request.uuid}x` }),
  flipped: ({ at, request }) => {
    const hex = request.signature.slice(2)
    return { ...request, signature: `0x${hex.slice(0, at)}${hex[at] === "0" ? "1" : "0"}${hex.slice(at + 1)}` }
  },
  garbage: ({ request }) => ({ ...request, signature: request.uuid })
}

/** A request as signed by one key, then left alone, re-signed `<Bytes>`-wrapped, or tampered with. */
export const requestArbitrary: FastCheck.Arbitrary<SignedRequest> = FastCheck.record({
  signer: FastCheck.constantFrom(...signers),
  other: FastCheck.constantFrom(...signers),
  nonce: FastCheck.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  uuid: text,
  bodyHash: FastCheck.constantFrom(EMPTY_BODY_HASH, "0".repeat(64)),
  tamper: FastCheck.constantFrom(...Object.keys(tamperings)),
  at: FastCheck.nat({ max: 127 })
}).map(({ at, bodyHash, nonce, other, signer, tamper, uuid }) =>
  tamperings[tamper]!({ request: signedRequest(signer, { nonce, uuid, bodyHash }), signer, other, at })
)

/** Each promise's answer, or its `VerifierError`'s reason; handlers attach at once, not when run. */
export const outcomes = (promises: ReadonlyArray<Promise<boolean>>) => {
  const settled = Promise.allSettled(promises)
  return Effect.map(Effect.promise(() => settled), (all) =>
    all.map((one) => (one.status === "fulfilled" ? one.value : (one.reason as VerifierError).reason))
  )
}

/** A temp folder, removed with the scope. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "axon-verifier-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)
