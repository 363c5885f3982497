import { assert, describe, it } from "@effect/vitest"
import { Clock, Deferred, Duration, Effect, Exit, FastCheck, Fiber, Option, Queue, Ref, TestClock } from "effect"
import { tokenReporter } from "../src/ensureWatch.js"
import { LocalVerdict } from "../src/precheck.js"
import * as StopSignals from "../src/StopSignals.js"
import { tokenReportOf } from "../src/tokenReport.js"
import { waitBeforeNextRound, watch } from "../src/watch.js"

/** Console.error lines, captured. */
const capturingStderr = Effect.gen(function* () {
  const lines: Array<string> = []
  const base = yield* Effect.console
  const console: typeof base = {
    ...base,
    error: (...args) => Effect.sync(() => void lines.push(args.join(" "))),
    unsafe: { ...base.unsafe, error: (...args) => void lines.push(args.join(" ")) }
  }
  return { lines, console }
})

/** Lets the other fibers run until `ready` holds (they only need turns, no time). */
const until = (ready: () => boolean) =>
  Effect.gen(function* () {
    for (let turn = 0; turn < 10_000 && !ready(); turn++) yield* Effect.yieldNow()
    assert.isTrue(ready(), "the watch got there")
  })

const every = Duration.seconds(80)

/** A watch whose round `n` is `rounds(n)`, with its reports, signals and stderr at hand. */
const watching = <R>(rounds: (n: number) => Effect.Effect<R>, githubUnreachable: (result: R) => boolean = () => false) =>
  Effect.gen(function* () {
    const signals = yield* Queue.unbounded<StopSignals.StopSignal>()
    const reports = yield* Queue.unbounded<{ readonly n: number; readonly next: Option.Option<Duration.Duration> }>()
    const stderr = yield* capturingStderr
    const fiber = yield* watch({
      every,
      round: rounds,
      githubUnreachable,
      report: (n, _, next) => Queue.offer(reports, { n, next })
    }).pipe(Effect.provide(StopSignals.layerQueue(signals)), Effect.withConsole(stderr.console), Effect.fork)
    return { fiber, signals, reports, stderr: stderr.lines }
  })

describe("the watch loop", () => {
  it.effect("rounds every DURATION ±10 %; while GitHub is unreachable here, DURATION/8 doubling up to DURATION", () =>
    Effect.gen(function* () {
      const unreachable = [false, true, true, true, true, true, false, false]
      const startedAt: Array<number> = []
      const { fiber, reports, signals } = yield* watching(
        (n) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            startedAt.push(now)
            return unreachable[n - 1] ?? false
          }),
        (outage) => outage
      )
      const waits: Array<number> = []
      for (let n = 1; n <= unreachable.length; n++) {
        const report = yield* Queue.take(reports)
        assert.strictEqual(report.n, n)
        const wait = Option.getOrThrow(report.next)
        waits.push(Duration.toMillis(wait))
        // One millisecond short of the wait, the next round has not started.
        yield* TestClock.adjust(Duration.toMillis(wait) - 1)
        assert.strictEqual(startedAt.length, n)
        yield* TestClock.adjust(1)
      }
      yield* Queue.offer(signals, "SIGTERM")
      yield* Fiber.join(fiber)
      const bases = [80, 10, 20, 40, 80, 80, 80, 80].map((s) => s * 1000)
      for (const [i, wait] of waits.entries()) {
        const base = bases[i] ?? 0
        assert.isAtLeast(wait, base * 0.9, `wait ${i + 1}`)
        assert.isAtMost(wait, base * 1.1, `wait ${i + 1}`)
      }
      assert.isAbove(new Set(waits.map((wait, i) => wait / (bases[i] ?? 1))).size, 1, "the jitter varies")
      for (let n = 1; n < startedAt.length; n++) {
        assert.strictEqual((startedAt[n] ?? 0) - (startedAt[n - 1] ?? 0), waits[n - 1], "each round starts when its wait ends")
      }
    })
  )

  it.prop(
    "a wait stays within ±10 % of its base, backs off by doubling from DURATION/8, never beyond DURATION",
    [FastCheck.integer({ min: 10_000, max: 7 * 86_400_000 }), FastCheck.integer({ min: 0, max: 60 }), FastCheck.double({ min: 0.9, max: 1.1, noNaN: true })],
    ([period, outages, factor]) => {
      const wait = Duration.toMillis(waitBeforeNextRound(Duration.millis(period), outages, factor))
      const base = outages === 0 ? period : Math.min(period, (period / 8) * 2 ** (outages - 1))
      assert.approximately(wait, base * factor, 1)
      assert.isAtMost(wait, period * 1.1 + 1)
      const longer = Duration.toMillis(waitBeforeNextRound(Duration.millis(period), outages + 1, factor))
      if (outages > 0) assert.isAtLeast(longer, wait)
    }
  )

  it.effect("a signal during a round lets it finish, then the watch ends (no next round)", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const finished = yield* Ref.make(0)
      const { fiber, reports, signals, stderr } = yield* watching(() =>
        Deferred.await(gate).pipe(Effect.zipRight(Ref.update(finished, (n) => n + 1)))
      )
      yield* Queue.offer(signals, "SIGINT")
      yield* until(() => stderr.some((line) => line.startsWith("SIGINT: stopping after round 1 finishes")))
      assert.strictEqual(yield* Ref.get(finished), 0)
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* Ref.get(finished), 1)
      assert.deepStrictEqual([...(yield* Queue.takeAll(reports))], [{ n: 1, next: Option.none() }])
    })
  )

  it.effect("a signal between rounds ends the wait at once", () =>
    Effect.gen(function* () {
      const rounds = yield* Ref.make(0)
      const { fiber, reports, signals, stderr } = yield* watching(() => Ref.update(rounds, (n) => n + 1))
      yield* Queue.take(reports)
      yield* Queue.offer(signals, "SIGTERM")
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* Ref.get(rounds), 1)
      assert.include(stderr, "SIGTERM: stopping.")
    })
  )

  it.effect("a second signal interrupts the round in progress: StoppedAtOnce", () =>
    Effect.gen(function* () {
      const interrupted = yield* Ref.make(false)
      const { fiber, signals, stderr } = yield* watching(() =>
        Effect.never.pipe(Effect.onInterrupt(() => Ref.set(interrupted, true)))
      )
      yield* Queue.offer(signals, "SIGTERM")
      yield* until(() => stderr.some((line) => line.includes("stopping after round 1")))
      yield* Queue.offer(signals, "SIGTERM")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag === "StoppedAtOnce")
      assert.isTrue(yield* Ref.get(interrupted))
      assert.include(stderr, "SIGTERM: stopping now.")
    })
  )

  it.effect("a round's failure ends the watch with it", () =>
    Effect.gen(function* () {
      const signals = yield* Queue.unbounded<StopSignals.StopSignal>()
      const exit = yield* watch({
        every,
        round: () => Effect.fail("bad usage" as const),
        githubUnreachable: () => false,
        report: () => Effect.void
      }).pipe(Effect.provide(StopSignals.layerQueue(signals)), Effect.exit)
      assert.deepStrictEqual(exit, Exit.fail("bad usage" as const))
    })
  )
})

describe("token warnings in a watch", () => {
  const day = 86_400_000
  const local = (kind: "known" | "unknown") => ({
    verdict: kind === "known" ? LocalVerdict.Usable({ login: "octocat" }) : LocalVerdict.Unreachable(),
    token:
      kind === "known"
        ? tokenReportOf({ "x-oauth-scopes": "repo", "github-authentication-token-expiration": "1970-01-06 00:00:00 UTC" }, "octocat", "ghp_x")
        : tokenReportOf(undefined, null, "ghp_x")
  })

  it.effect("the whole report the first time GitHub answers, then the warnings at most once a day", () =>
    Effect.gen(function* () {
      const { lines, console } = yield* capturingStderr
      const report = yield* tokenReporter
      const seen = (check: ReturnType<typeof local>) =>
        Effect.gen(function* () {
          const before = lines.length
          yield* report(check).pipe(Effect.withConsole(console))
          return lines.slice(before)
        })
      assert.deepStrictEqual(yield* seen(local("unknown")), [], "nothing to say until GitHub answers")
      const first = yield* seen(local("known"))
      assert.deepStrictEqual(first.slice(0, 2), [
        "GitHub accepts this PAT (login octocat).",
        "Token: classic, scopes: repo; expires 1970-01-06 00:00 UTC (in 5 days); rate limit unknown"
      ])
      assert.match(first[2] ?? "", /^Warning: this token's scope repo grants write or admin rights/)
      assert.match(first[3] ?? "", /^Warning: this token expires 1970-01-06 00:00 UTC \(in 5 days\)/)
      yield* TestClock.adjust(day - 1)
      assert.deepStrictEqual(yield* seen(local("known")), [])
      yield* TestClock.adjust(1)
      const next = yield* seen(local("known"))
      assert.strictEqual(next.length, 2)
      assert.match(next[1] ?? "", /expires 1970-01-06 00:00 UTC \(in 4 days\)/)
      yield* TestClock.adjust(day / 2)
      assert.deepStrictEqual(yield* seen(local("known")), [])
    })
  )
})
