import { Sr25519Verifier, VerifierError } from "@gittensor-pat/axon"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { body, makeWorld, post, seedStore, signedHeaders, type World } from "./support/world.js"

const TOKEN = "ghp_verifier_path_0001"

const metricsText = (world: World) => Effect.promise(() => fetch(`${world.validator.url}/metrics`).then((r) => r.text()))

// miners[0] holds a working PAT; every case below is a check of it.
const seeded = (world: World) => {
  seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: TOKEN, github_id: "1" }])
  world.github.allow(TOKEN, { id: 1, login: "a" })
}

const check = (world: World, headers: Record<string, string>, text = body("PatCheckSynapse"), path = "/PatCheckSynapse") =>
  post(world, path, headers, text)

// Signed by miners[1] while claiming to be miners[0].
const forged = (world: World) => {
  const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
  const other = signedHeaders(world, world.miners[1]!, "PatCheckSynapse", { nonce: BigInt(headers.bt_header_dendrite_nonce!) })
  return { ...headers, bt_header_dendrite_signature: other.bt_header_dendrite_signature! }
}

const answersAsDocumented = (world: World) =>
  Effect.gen(function* () {
    seeded(world)
    const valid = yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"))
    assert.strictEqual(valid.status, 200)
    assert.deepInclude(valid.json as object, { has_pat: true, pat_valid: true })
    const bad = yield* check(world, forged(world))
    assert.strictEqual(bad.status, 401)
    assert.match((bad.json as { message: string }).message, /Signature mismatch/)
    // Signature before body (docs/protocol.md, "Order of checks"): a forged request with a broken body is still a 401.
    assert.strictEqual((yield* check(world, forged(world), "{not json")).status, 401)
    const elsewhere = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { axonHotkey: world.stranger.address })
    assert.strictEqual((yield* check(world, elsewhere)).status, 401)
  })

// A pool whose every verify ends as `answer`: each request is verified on the main thread
// instead, answered as docs/outcomes.md says, and counted by `reason`.
const fallsBack = (answer: (patience: Duration.Duration) => Effect.Effect<boolean, VerifierError>, reason: string) =>
  Effect.gen(function* () {
    let asked = 0
    const pool = Layer.succeed(
      Sr25519Verifier,
      Sr25519Verifier.of({
        verify: (_, patience) => {
          asked += 1
          return answer(patience)
        },
        verifyAsync: () => Effect.runPromise(answer(Duration.seconds(1)))
      })
    )
    const world = yield* makeWorld({ extra: pool })
    yield* answersAsDocumented(world)
    assert.isAtLeast(asked, 4)
    assert.include(yield* metricsText(world), `gittensor_pat_verify_main_thread_total{reason="${reason}"} ${asked}`)
  })

describe("signature verification", () => {
  it.scopedLive(
    "on the Sr25519Verifier's threads: valid → 200, forged or for another axon → 401, before the body",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld({ extra: Sr25519Verifier.layer({ workers: 1 }).pipe(Layer.orDie) })
        yield* answersAsDocumented(world)
      }),
    { timeout: 60_000 }
  )

  it.scopedLive("a verifier that cannot take the request (overloaded) falls back to the main thread, same answers", () =>
    fallsBack(() => Effect.fail(new VerifierError({ reason: "overloaded", detail: "test" })), "overloaded"))

  it.scopedLive(
    "a verifier thread that never answers: the signature is checked on the main thread after a second's patience, same answers",
    () =>
      fallsBack(
        (patience) =>
          Duration.equals(patience, Duration.seconds(1))
            ? Effect.delay(Effect.fail(new VerifierError({ reason: "timeout", detail: "test" })), patience)
            : Effect.die(`the validator gave the pool ${Duration.format(patience)} of patience, not 1 second`),
        "timeout"
      ),
    { timeout: 30_000 }
  )

  it.scopedLive("a defect on a request's path is answered 500 as JSON, not left hanging", () =>
    Effect.gen(function* () {
      const broken = Layer.succeed(
        Sr25519Verifier,
        Sr25519Verifier.of({ verify: () => Effect.die("broken verifier"), verifyAsync: () => Promise.resolve(false) })
      )
      const world = yield* makeWorld({ extra: broken })
      const answer = yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"))
      assert.strictEqual(answer.status, 500)
      assert.strictEqual(answer.headers.get("bt_header_axon_status_code"), "500")
      assert.deepStrictEqual(answer.json, { message: "Internal error" })
    }))
})

describe("synapse routes", () => {
  it.scopedLive("a query string does not change the route; other methods and paths get the JSON 404", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      seeded(world)
      const answer = yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), body("PatCheckSynapse"), "/PatCheckSynapse?from=test")
      assert.strictEqual(answer.status, 200)
      const got = yield* Effect.promise(() => fetch(`${world.validator.url}/PatCheckSynapse`))
      assert.strictEqual(got.status, 404)
      assert.match(got.headers.get("content-type") ?? "", /^application\/json/)
      assert.strictEqual((yield* check(world, signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), "{}", "/PatCheckSynapse/x")).status, 404)
    }))
})
