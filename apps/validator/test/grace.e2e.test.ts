import { Messages, type PatStore } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { call, makeWorld, readStore, seedStore, tokenFields, type World } from "./support/world.js"

// docs/validator.md, "Shutdown": on shutdown the server answers what is in flight within its grace (a request
// still waiting on GitHub gets its transient outcome), awaits every store write, and stops.
// A behaviour bound, with generous slack: the process must not wait for each request's own
// deadline (28 s at timeout 30) while the grace is 1.5 s.
const GRACE_MS = 1_500
const SLACK_MS = 1_000

const CHECKED = "ghp_grace_checked_token_0001"
const IDENTITY_HUNG = "ghp_grace_identity_hung_0002"
const QUERY_HUNG = "ghp_grace_query_hung_0003"

/** `effect`, and the milliseconds from `since` until it ended. */
const timed = <A, E, R>(since: () => number, effect: Effect.Effect<A, E, R>) =>
  Effect.map(effect, (value) => ({ value, at: performance.now() - since() }))

/** Stops the validator (it drains) and the milliseconds that took. */
const stop = (world: World) =>
  Effect.gen(function* () {
    const start = performance.now()
    yield* world.stop
    return performance.now() - start
  })

/** Polls until `done`, for at most 10 s. */
const until = (done: () => boolean) =>
  Effect.repeat(Effect.sleep("20 millis"), { until: done }).pipe(Effect.timeout("10 seconds"))

describe("shutdown grace is enforced (docs/validator.md, Shutdown)", () => {
  it.scopedLive(
    "GitHub hung and callers allowing 30–60 s: each request in flight gets its transient answer within the grace, nothing is stored, the validator stops within grace + 1 s",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld({ shutdownGrace: `${GRACE_MS} millis` })
        seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: CHECKED, github_id: "101" }])
        world.github.script(CHECKED, "user", "hang")
        world.github.script(CHECKED, "graphql", "hang")
        world.github.script(IDENTITY_HUNG, "user", "hang")
        world.github.allow(QUERY_HUNG, { id: 303, login: "m3" })
        world.github.script(QUERY_HUNG, "graphql", "hang")

        let stoppedAt = 0
        const since = () => stoppedAt
        const check = yield* Effect.fork(timed(since, call(world, "PatCheckSynapse", world.miners[0]!, {}, { timeoutSeconds: 30 })))
        const broadcast = (miner: number, token: string) =>
          Effect.fork(timed(since, call(world, "PatBroadcastSynapse", world.miners[miner]!, tokenFields(token), { timeoutSeconds: 60 })))
        const identityHung = yield* broadcast(1, IDENTITY_HUNG)
        const queryHung = yield* broadcast(2, QUERY_HUNG)
        yield* until(
          () =>
            world.github.count(CHECKED, "user") > 0 &&
            world.github.count(IDENTITY_HUNG, "user") > 0 &&
            world.github.count(QUERY_HUNG, "graphql") > 0
        )

        stoppedAt = performance.now()
        const stopped = yield* stop(world)
        const checked = yield* Fiber.join(check)
        const first = yield* Fiber.join(identityHung)
        const second = yield* Fiber.join(queryHung)

        assert.deepInclude(checked.value, { has_pat: true, pat_valid: null, rejection_reason: Messages.checkRetryLater })
        assert.deepInclude(first.value, { accepted: false, rejection_reason: Messages.identityTransient(2 as never) })
        assert.deepInclude(second.value, { accepted: false, rejection_reason: Messages.broadcastRetryLater })
        for (const { at } of [checked, first, second]) assert.isAtMost(at, GRACE_MS + SLACK_MS)
        assert.isAtMost(stopped, GRACE_MS + SLACK_MS)
        assert.deepStrictEqual(
          readStore(world).map((row) => row.uid),
          [1]
        )
      }),
    { timeout: 60_000 }
  )

  it.scopedLive("a store write in progress when the grace ends is awaited: the broadcast is stored and answered accepted", () =>
    Effect.gen(function* () {
      const saving = yield* Deferred.make<void>()
      // Slower than the grace: the drain must wait for it, never cut it.
      const slowSaves = (store: PatStore["Type"]): PatStore["Type"] => ({
        ...store,
        save: (entry, guard) =>
          Effect.zipRight(Effect.zipRight(Deferred.succeed(saving, undefined), Effect.sleep(`${GRACE_MS + 300} millis`)), store.save(entry, guard))
      })
      const world = yield* makeWorld({ shutdownGrace: `${GRACE_MS} millis`, decorateStore: slowSaves })
      const token = "ghp_grace_slow_save_0004"
      world.github.allow(token, { id: 404, login: "m1" })
      const answer = yield* Effect.fork(call(world, "PatBroadcastSynapse", world.miners[0]!, tokenFields(token), { timeoutSeconds: 60 }))
      yield* Deferred.await(saving)
      const stopped = yield* stop(world)
      assert.deepInclude(yield* Fiber.join(answer), { accepted: true, rejection_reason: null })
      assert.deepInclude(readStore(world)[0], { uid: 1, pat: token, github_id: "404" })
      assert.isAtMost(stopped, GRACE_MS + SLACK_MS)
    }), { timeout: 60_000 })
})
