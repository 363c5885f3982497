import { Messages } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { body, call, freshNonce, makeWorld, post, seedStore, signedHeaders, tokenFields, type World } from "./support/world.js"

const timed = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const start = performance.now()
    const result = yield* Effect.either(self)
    return { result, ms: performance.now() - start }
  })

interface Health {
  readonly requests: { readonly running: number; readonly waiting: number }
}

const storeTokens = (world: World, tokens: ReadonlyArray<string>) =>
  seedStore(
    world,
    tokens.map((pat, i) => ({ uid: i + 1, hotkey: world.miners[i]!.address, pat, github_id: String(100 + i) }))
  )

/** Stores `token` for the first miner and makes GitHub hang on both of its endpoints. */
const storeHanging = (world: World, token: string) => {
  storeTokens(world, [token])
  world.github.script(token, "user", "hang")
  world.github.script(token, "graphql", "hang")
}

describe("deadline and load (docs/protocol.md, Deadline and timeouts, Admission under load)", () => {
  it.scopedLive("GitHub hangs: the check answers inconclusive before the caller's timeout", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_hanging_github_01"
      storeHanging(world, token)
      const { result, ms } = yield* timed(call(world, "PatCheckSynapse", world.miners[0]!, {}, { timeoutSeconds: 5 }))
      assert.isTrue(result._tag === "Right")
      if (result._tag === "Right") {
        assert.deepInclude(result.right, { has_pat: true, pat_valid: null, rejection_reason: Messages.checkRetryLater })
      }
      // Budget = 5 s − 1 s: the answer lands before the 5 s timeout, and GitHub had its time.
      assert.isBelow(ms, 5_000)
      assert.isAtLeast(ms, 3_900)
    }))

  it.scopedLive("GitHub hangs: a broadcast is rejected as transient before the timeout, nothing stored", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_hanging_github_02"
      world.github.script(token, "user", "hang")
      const { result, ms } = yield* timed(call(world, "PatBroadcastSynapse", world.miners[0]!, tokenFields(token), { timeoutSeconds: 4 }))
      assert.isTrue(result._tag === "Right" && result.right.accepted === false)
      assert.isBelow(ms, 4_000)
    }))

  it.scopedLive("a healthy check is not held up by checks stuck on a hanging GitHub", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const stuck = ["ghp_stuck_token_0001", "ghp_stuck_token_0002"]
      const healthy = "ghp_healthy_token_03"
      storeTokens(world, [...stuck, healthy])
      for (const token of stuck) {
        world.github.script(token, "user", "hang")
        world.github.script(token, "graphql", "hang")
      }
      world.github.allow(healthy, { id: 3, login: "fine" })
      const hung = yield* Effect.fork(
        Effect.all(
          [0, 1].map((i) => call(world, "PatCheckSynapse", world.miners[i]!, {}, { timeoutSeconds: 3 })),
          { concurrency: "unbounded" }
        )
      )
      yield* Effect.sleep("200 millis")
      const { result, ms } = yield* timed(call(world, "PatCheckSynapse", world.miners[2]!, {}))
      assert.isTrue(result._tag === "Right" && result.right.pat_valid === true)
      assert.isBelow(ms, 2_000)
      yield* hung.await
    }))

  it.scopedLive("more requests than slots with short timeouts: some shed with 503, every one answered before its timeout", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ maxConcurrency: 2 })
      const tokens = world.miners.map((_, i) => `ghp_slow_github_${i}000`)
      storeTokens(world, tokens)
      for (const [i, token] of tokens.entries()) world.github.allow(token, { id: 100 + i, login: `m${i}` })
      world.github.setLatency(1_500)
      const timeout = 3
      const results = yield* Effect.all(
        Array.from({ length: 12 }, (_, i) =>
          timed(
            post(
              world,
              "/PatCheckSynapse",
              signedHeaders(world, world.miners[i % 3]!, "PatCheckSynapse", { timeout, uuid: `uuid-${i}` }),
              JSON.stringify({ name: "PatCheckSynapse", timeout })
            )
          )
        ),
        { concurrency: "unbounded" }
      )
      const statuses = results.map((r) => (r.result._tag === "Right" ? r.result.right.status : -1))
      assert.isFalse(statuses.includes(-1))
      assert.isTrue(statuses.includes(503), `statuses: ${statuses.join(",")}`)
      assert.isTrue(statuses.includes(200), `statuses: ${statuses.join(",")}`)
      assert.isTrue(statuses.every((s) => s === 200 || s === 503), `statuses: ${statuses.join(",")}`)
      for (const r of results) assert.isBelow(r.ms, timeout * 1_000)
      const shed = results.find((r) => r.result._tag === "Right" && r.result.right.status === 503)
      if (shed?.result._tag === "Right") {
        assert.match((shed.result.right.json as { message: string }).message, /could not start before its deadline/)
      }
    }))

  it.scopedLive("waiting requests are admitted highest stake first", () =>
    Effect.gen(function* () {
      // Miner 1 holds the only slot; miners 2 (stake 10) and 3 (stake 5000) wait.
      const world = yield* makeWorld({ maxConcurrency: 1, stakes: [0, 10, 5_000] })
      const tokens = ["ghp_order_token_0001", "ghp_order_token_0002", "ghp_order_token_0003"]
      storeTokens(world, tokens)
      for (const [i, token] of tokens.entries()) world.github.allow(token, { id: i + 1, login: `m${i}` })
      world.github.setLatency(1_000)
      const finished: Array<number> = []
      const checkAs = (i: number) =>
        Effect.tap(call(world, "PatCheckSynapse", world.miners[i]!, {}), () => Effect.sync(() => finished.push(i + 1)))
      // Each step waits until the gate shows it, so a slow client cannot reorder arrivals.
      const load = (running: number, waiting: number) =>
        Effect.promise(() => fetch(`${world.validator.url}/healthz`).then((r) => r.json() as Promise<Health>)).pipe(
          Effect.repeat({
            schedule: Schedule.spaced("10 millis"),
            until: (h) => h.requests.running === running && h.requests.waiting === waiting
          })
        )
      const first = yield* Effect.fork(checkAs(0))
      yield* load(1, 0)
      const low = yield* Effect.fork(checkAs(1))
      yield* load(1, 1)
      const high = yield* Effect.fork(checkAs(2))
      yield* load(1, 2)
      yield* Effect.all([first.await, low.await, high.await])
      assert.deepStrictEqual(finished, [1, 3, 2])
    }))

  it.scopedLive("a request parsed late counts its deadline from the dendrite's nonce (its send time)", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_hanging_github_late"
      storeHanging(world, token)
      // Sent 2 s ago as far as the caller's clock goes: 4 s of its 5 s budget remain 2 s.
      const nonce = freshNonce() - 2_000n * 1_000_000n
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce, timeout: 5 })
      const { result, ms } = yield* timed(post(world, "/PatCheckSynapse", headers, body("PatCheckSynapse")))
      assert.isTrue(result._tag === "Right")
      if (result._tag === "Right") {
        assert.strictEqual(result.right.status, 200)
        assert.deepInclude(result.right.json as object, { has_pat: true, pat_valid: null })
      }
      assert.isBelow(ms, 3_000)
      assert.isAtLeast(ms, 1_500)
    }))

  it.scopedLive("a caller that hangs up before the answer still gets its log line and count", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_hanging_github_gone"
      storeHanging(world, token)
      const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse")
      yield* Effect.promise(() =>
        fetch(`${world.validator.url}/PatCheckSynapse`, {
          method: "POST",
          headers,
          body: body("PatCheckSynapse"),
          signal: AbortSignal.timeout(300)
        }).catch(() => undefined)
      )
      const closed = () => world.logs.find((line) => line.includes('"client_closed"'))
      yield* Effect.suspend(() => (closed() === undefined ? Effect.fail("not yet") : Effect.void)).pipe(
        Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("3 seconds")))
      )
      const line = JSON.parse(closed()!) as Record<string, unknown>
      assert.deepInclude(line, { synapse: "PatCheckSynapse", uid: 1, status: 499, outcome: "client_closed" })
      assert.notInclude(closed()!, token)
      const metrics = yield* Effect.promise(() => fetch(`${world.validator.url}/metrics`).then((r) => r.text()))
      assert.include(metrics, 'outcome="client_closed"')
    }))
})
