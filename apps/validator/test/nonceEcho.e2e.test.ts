import { dendriteNonceDigits } from "@gittensor-pat/axon/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { body, freshNonce, makeWorld, post, signedHeaders } from "./support/world.js"

// A nonce whose digits change if it ever passes through a JS number.
const unroundable = (): bigint => {
  let nonce = freshNonce()
  while (String(Number(nonce)) === String(nonce)) nonce = freshNonce()
  return nonce
}

describe("the answer echoes the caller's nonce digit for digit (docs/protocol.md, Nonces)", () => {
  for (const synapse of ["PatCheckSynapse", "PatBroadcastSynapse"] as const) {
    it.scopedLive(`${synapse}: dendrite.nonce in the answer text is the header's, above 2^53`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const nonce = unroundable()
        const answer = yield* post(world, `/${synapse}`, signedHeaders(world, world.miners[0]!, synapse, { nonce }), body(synapse))
        assert.strictEqual(answer.status, 200, answer.text)
        assert.strictEqual(dendriteNonceDigits(answer.text), String(nonce))
      }))
  }
})
