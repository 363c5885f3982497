import { assert, describe, it } from "@effect/vitest"
import { Clock, Config, ConfigProvider, Effect, FastCheck, Layer, Ref, TestClock } from "effect"
import { neuron, StaticMetagraph } from "@gittensor-pat/core/testing"
import { NonceWindow, type NonceWindowOptions } from "../src/index.js"

const NOW_MS = 1_764_172_800_000
const NOW_NS = BigInt(NOW_MS) * 1_000_000n
const SECOND = 1_000_000_000n
const HOTKEY = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
const OTHER = "5OtherHotkey"

// A clock moved by hand: TestClock.adjust waits on a real timer for other fibers each time,
// which a property of thousands of steps cannot afford.
const handClock = (start: bigint) => {
  let now = start
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => Number(now / 1_000_000n),
    currentTimeMillis: Effect.sync(() => Number(now / 1_000_000n)),
    unsafeCurrentTimeNanos: () => now,
    currentTimeNanos: Effect.sync(() => now),
    sleep: () => Effect.void
  }
  const advance = (ms: number) => {
    now += BigInt(ms) * 1_000_000n
  }
  return { clock, now: () => now, advance }
}

const reason = <A>(self: Effect.Effect<A, { readonly _tag: string; readonly reason?: string; readonly scope?: string }>) =>
  Effect.match(self, {
    onFailure: (error) => (error._tag === "NonceWindowFullError" ? `full:${error.scope}` : (error.reason ?? error._tag)),
    onSuccess: () => "accepted"
  })

const withWindow = <A, E>(
  body: (window: NonceWindow["Type"]) => Effect.Effect<A, E>,
  options?: NonceWindowOptions,
  hotkeys?: Effect.Effect<number>
) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(NOW_MS)
    return yield* body(yield* NonceWindow.make(options, hotkeys))
  })

describe("NonceWindow", () => {
  it.effect("a first nonce must fall inside now − 4 s − timeout", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        assert.strictEqual(yield* reason(window.check(HOTKEY, "a", NOW_NS, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "b", NOW_NS - 15n * SECOND, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "c", NOW_NS - 16n * SECOND, 12)), "stale")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "d", NOW_NS - 16n * SECOND - 1n, 12)), "stale")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "e", NOW_NS - 5n * SECOND, 0)), "stale")
        // The timeout header is unsigned: a huge one must not reopen old nonces.
        assert.strictEqual(yield* reason(window.check(HOTKEY, "f", NOW_NS - 100n * SECOND, 1e9)), "stale")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "g", NOW_NS - 63n * SECOND, 1e9)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "h", NOW_NS - 63n * SECOND, Number.NaN)), "stale")
      })
    )
  )

  it.effect("a nonce more than 4 s + timeout ahead of the clock is refused, first or later", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        assert.strictEqual(yield* reason(window.check(HOTKEY, "a", NOW_NS + 16n * SECOND, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "b", NOW_NS + 16n * SECOND + 1n, 12)), "future")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "c", NOW_NS + 150n * SECOND, 60)), "future")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "d", NOW_NS + 64n * SECOND, 1e9)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "e", NOW_NS + 64n * SECOND + 1n, 1e9)), "future")
        // A known key's later nonce far ahead would pin the key for as long: refused, and
        // the key keeps its last accepted nonce.
        assert.strictEqual(yield* reason(window.check(HOTKEY, "a", NOW_NS + 3_600n * SECOND, 12)), "future")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "a", NOW_NS + 16n * SECOND + 1n, 60)), "accepted")
        assert.strictEqual(yield* window.size, 2)
      })
    )
  )

  it.effect("replayed and non-increasing nonces are refused; each key stands alone", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        const nonce = NOW_NS - SECOND
        assert.strictEqual(yield* reason(window.check(HOTKEY, "u", nonce, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "u", nonce, 12)), "not-increasing")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "u", nonce - 1n, 12)), "not-increasing")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "u", nonce + 1n, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "other-uuid", nonce, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(OTHER, "u", nonce, 12)), "accepted")
      })
    )
  )

  it.prop(
    "accepted nonces of one key are exactly the running strict maxima",
    [FastCheck.array(FastCheck.bigInt({ min: -3n * SECOND, max: 3n * SECOND }), { maxLength: 40 })],
    ([offsets]) =>
      Effect.runSync(
        Effect.gen(function* () {
          const window = yield* NonceWindow.make()
          const now = yield* Clock.currentTimeNanos
          let highest: bigint | undefined
          for (const offset of offsets) {
            const nonce = now + offset
            const outcome = yield* reason(window.check(HOTKEY, "p", nonce, 12))
            const expected = highest === undefined || nonce > highest ? "accepted" : "not-increasing"
            assert.strictEqual(outcome, expected)
            if (outcome === "accepted") highest = nonce
          }
        })
      )
  )

  it.effect("a key is remembered until its last nonce is 4 s + 60 s old, then forgotten", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS, 12)), "accepted")
        yield* TestClock.adjust("63999 millis")
        // The widest window a replay can ask for still holds the nonce: it must be known.
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS, 60)), "not-increasing")
        yield* TestClock.adjust("2 seconds")
        yield* window.check(OTHER, "tick", NOW_NS + 65n * SECOND, 12)
        assert.strictEqual(yield* window.size, 1)
        // Forgetting was safe: the forgotten nonce is stale now.
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS, 60)), "stale")
      })
    )
  )

  it.effect("a key dated ahead is kept until 64 s after its nonce, not after its arrival", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        const ahead = NOW_NS + 60n * SECOND
        assert.strictEqual(yield* reason(window.check(HOTKEY, "ahead", ahead, 60)), "accepted")
        yield* TestClock.adjust("123 seconds")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "ahead", ahead, 60)), "not-increasing")
        yield* TestClock.adjust("2 seconds")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "ahead", ahead, 60)), "stale")
      })
    )
  )

  it.effect("a later nonce keeps its key for 64 s more", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS, 12)), "accepted")
        yield* TestClock.adjust("50 seconds")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS + 50n * SECOND, 12)), "accepted")
        yield* TestClock.adjust("60 seconds")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS + 50n * SECOND, 60)), "not-increasing")
        assert.strictEqual(yield* reason(window.check(HOTKEY, "k", NOW_NS + 20n * SECOND, 60)), "not-increasing")
      })
    )
  )

  it.effect("a full window refuses new keys and forgets none; they are taken again once old keys age out", () =>
    withWindow(
      (window) =>
        Effect.gen(function* () {
          for (let i = 0; i < 5; i++) {
            assert.strictEqual(yield* reason(window.check(`hotkey-${i}`, "s", NOW_NS, 12)), "accepted")
          }
          assert.strictEqual(yield* reason(window.check("hotkey-5", "s", NOW_NS, 12)), "full:window")
          // Every remembered key still refuses its replay and takes its next nonce.
          for (let i = 0; i < 5; i++) {
            assert.strictEqual(yield* reason(window.check(`hotkey-${i}`, "s", NOW_NS, 60)), "not-increasing")
          }
          assert.strictEqual(yield* reason(window.check("hotkey-0", "s", NOW_NS + 1n, 12)), "accepted")
          yield* TestClock.adjust("65 seconds")
          assert.strictEqual(yield* reason(window.check("hotkey-5", "s", NOW_NS + 65n * SECOND, 12)), "accepted")
          assert.strictEqual(yield* window.size, 1)
        }),
      { maxKeys: 5 },
      Effect.succeed(1)
    )
  )

  it.effect("each hotkey holds at most maxKeys / hotkeys keys, the others keep theirs", () =>
    Effect.gen(function* () {
      const registered = yield* Ref.make(4)
      yield* withWindow(
        (window) =>
          Effect.gen(function* () {
            const outcomes: Array<string> = []
            for (let i = 0; i < 15; i++) outcomes.push(yield* reason(window.check(HOTKEY, `flood-${i}`, NOW_NS + BigInt(i), 12)))
            assert.deepStrictEqual(outcomes, [...Array(10).fill("accepted"), ...Array(5).fill("full:hotkey")])
            // The flooder's own sessions still work; another hotkey opens its own.
            assert.strictEqual(yield* reason(window.check(HOTKEY, "flood-0", NOW_NS + 100n, 12)), "accepted")
            assert.strictEqual(yield* reason(window.check(OTHER, "session", NOW_NS, 12)), "accepted")
            // The share follows the number of hotkeys that share the window.
            yield* Ref.set(registered, 2)
            assert.strictEqual(yield* reason(window.check(HOTKEY, "flood-15", NOW_NS, 12)), "accepted")
            yield* Ref.set(registered, 0)
            assert.strictEqual(yield* reason(window.check("5ThirdHotkey", "s", NOW_NS, 12)), "accepted")
          }),
        { maxKeys: 40 },
        Ref.get(registered)
      )
    })
  )

  it.effect("a long uuid is one key of bounded size: distinct from its neighbours, its replay refused", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        const long = "u".repeat(10_000)
        assert.strictEqual(yield* reason(window.check(HOTKEY, `${long}a`, NOW_NS, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, `${long}b`, NOW_NS, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(OTHER, `${long}a`, NOW_NS, 12)), "accepted")
        assert.strictEqual(yield* reason(window.check(HOTKEY, `${long}a`, NOW_NS, 12)), "not-increasing")
        assert.strictEqual(yield* window.size, 3)
      })
    )
  )

  // Whatever the flood, the clock and the timeouts: once a nonce of a key is accepted, no
  // nonce at or below it is ever accepted again for that key (no replay ever passes), and
  // the window never holds more than maxKeys. Steps send fresh nonces, replay accepted
  // ones, or move the clock, mostly by a few seconds.
  const timeout = FastCheck.constantFrom(0, 1, 12, 60, 1e9)
  const step = FastCheck.oneof(
    FastCheck.record({
      hotkey: FastCheck.integer({ min: 0, max: 2 }),
      uuid: FastCheck.integer({ min: 0, max: 5 }),
      offsetMs: FastCheck.oneof(FastCheck.integer({ min: -5_000, max: 5_000 }), FastCheck.integer({ min: -70_000, max: 70_000 })),
      timeout
    }),
    FastCheck.record({ replay: FastCheck.nat(), timeout }),
    FastCheck.record({
      advanceMs: FastCheck.oneof(FastCheck.integer({ min: 0, max: 5_000 }), FastCheck.integer({ min: 0, max: 70_000 }))
    })
  )
  it.prop("no replay ever passes, and the window never outgrows maxKeys", [FastCheck.array(step, { minLength: 30, maxLength: 200, size: "max" })], ([steps]) => {
    const time = handClock(NOW_NS)
    const highest = new Map<string, bigint>()
    const accepted: Array<{ readonly hotkey: string; readonly uuid: string; readonly nonce: bigint }> = []
    Effect.runSync(
      Effect.gen(function* () {
        const window = yield* NonceWindow.make({ maxKeys: 6 }, Effect.succeed(3))
        for (const next of steps) {
          if ("advanceMs" in next) {
            time.advance(next.advanceMs)
            continue
          }
          const sent =
            "replay" in next
              ? accepted[next.replay % Math.max(1, accepted.length)]
              : { hotkey: `hotkey-${next.hotkey}`, uuid: `uuid-${next.uuid}`, nonce: time.now() + BigInt(next.offsetMs) * 1_000_000n }
          if (sent === undefined) continue
          const key = `${sent.hotkey}:${sent.uuid}`
          const outcome = yield* reason(window.check(sent.hotkey, sent.uuid, sent.nonce, next.timeout))
          const before = highest.get(key)
          if (outcome === "accepted") {
            assert.isTrue(before === undefined || sent.nonce > before, `key ${key} took ${sent.nonce} after ${before}`)
            highest.set(key, sent.nonce)
            accepted.push(sent)
          }
          assert.isAtMost(yield* window.size, 6)
        }
      }).pipe(Effect.withClock(time.clock))
    )
  })

  it.effect("layerMetagraph shares the window among the metagraph's registered hotkeys", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW_MS)
      const window = yield* NonceWindow
      const outcomes: Array<string> = []
      for (let i = 0; i < 3; i++) outcomes.push(yield* reason(window.check(HOTKEY, `s-${i}`, NOW_NS, 12)))
      assert.deepStrictEqual(outcomes, ["accepted", "accepted", "full:hotkey"])
    }).pipe(
      Effect.provide(
        NonceWindow.layerMetagraph({ maxKeys: 8 }).pipe(
          Layer.provide(StaticMetagraph.layer([0, 1, 2, 3].map((uid) => neuron(uid, `5Hotkey${uid}`, 0))))
        )
      )
    )
  )

  it.effect("the layer provides a working window", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW_MS)
      const window = yield* NonceWindow
      yield* window.check(HOTKEY, "l", NOW_NS, 12)
      assert.strictEqual(yield* reason(window.check(HOTKEY, "l", NOW_NS, 12)), "not-increasing")
    }).pipe(Effect.provide(NonceWindow.layer()))
  )

  it.effect("layerConfig reads its options from Config", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW_MS)
      const window = yield* NonceWindow
      for (let i = 0; i < 3; i++) yield* window.check(`hotkey-${i}`, "c", NOW_NS, 12)
      assert.strictEqual(yield* reason(window.check("hotkey-3", "c", NOW_NS, 12)), "full:window")
    }).pipe(
      Effect.provide(
        NonceWindow.layerConfig({ maxKeys: Config.integer("NONCE_MAX_KEYS") }).pipe(
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["NONCE_MAX_KEYS", "3"]]))))
        )
      )
    )
  )
})
