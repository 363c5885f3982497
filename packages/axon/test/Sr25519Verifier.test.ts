import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Exit, FastCheck, Scope } from "effect"
import { Sr25519Verifier, verifyRequest } from "../src/index.js"
import { outcomes, patience, requestArbitrary, signedRequest, signers } from "./verifierCases.js"

const [alice, bob] = signers as [(typeof signers)[0], (typeof signers)[0]]

layer(Sr25519Verifier.layer({ workers: 1 }), { excludeTestServices: true })("Sr25519Verifier", (it) => {
  it.effect.prop(
    "answers as the synchronous verifyRequest, over valid and tampered requests sent together",
    [FastCheck.array(requestArbitrary, { minLength: 1, maxLength: 24 })],
    ([requests]) =>
      Effect.gen(function* () {
        const verifier = yield* Sr25519Verifier
        const answers = yield* Effect.forEach(requests, (request) => verifier.verify(request, patience), { concurrency: "unbounded" })
        assert.deepStrictEqual(answers, requests.map(verifyRequest))
      }),
    { fastCheck: { numRuns: 40 } }
  )

  it.effect("answers every one of 1,500 concurrent verifies, each rightly", () =>
    Effect.gen(function* () {
      const verifier = yield* Sr25519Verifier
      const good = signedRequest(alice)
      const forged = { ...signedRequest(bob), dendriteHotkey: alice.address }
      const requests = Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? forged : good))
      const answers = yield* Effect.promise(() => Promise.all(requests.map(verifier.verifyAsync)))
      assert.deepStrictEqual(answers, requests.map((request) => request === good))
    })
  )
})

describe("Sr25519Verifier bounds", () => {
  layer(Sr25519Verifier.layer({ workers: 1, maxPending: 3 }), { excludeTestServices: true })((it) => {
    it.effect("refuses verifies past maxPending at once, and answers the others", () =>
      Effect.gen(function* () {
        const verifier = yield* Sr25519Verifier
        const request = signedRequest(alice)
        const answers = yield* outcomes(Array.from({ length: 5 }, () => verifier.verifyAsync(request)))
        assert.deepStrictEqual(answers, [true, true, true, "overloaded", "overloaded"])
        assert.isTrue(yield* verifier.verify(request, patience))
      })
    )
  })

  it.live("closing the scope fails pending verifies, refuses later ones, and ends the threads", () =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        const verifier = yield* Scope.extend(Sr25519Verifier.make({ workers: 2 }), scope)
        const request = signedRequest(alice)
        assert.isTrue(yield* verifier.verify(request, patience))
        const pending = outcomes(Array.from({ length: 3 }, () => verifier.verifyAsync(request)))
        // Scope.close returns only once every thread has exited.
        yield* Scope.close(scope, Exit.void)
        assert.deepStrictEqual(yield* pending, ["closed", "closed", "closed"])
        assert.deepStrictEqual(yield* outcomes([verifier.verifyAsync(request)]), ["closed"])
        assert.strictEqual((yield* Effect.flip(verifier.verify(request, patience))).reason, "closed")
      })
  )
})
