import { assert, describe, it } from "@effect/vitest"
import { Clock, Config, ConfigProvider, Effect, FastCheck, Layer, TestClock } from "effect"
import { NonceWindow } from "../src/index.js"

const NOW_MS = 1_764_172_800_000
const NOW_NS = BigInt(NOW_MS) * 1_000_000n
const SECOND = 1_000_000_000n
const HOTKEY = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"

const reason = <A>(self: Effect.Effect<A, { readonly reason: string }>) =>
  Effect.match(self, { onFailure: (error) => error.reason, onSuccess: () => "accepted" })

const withWindow = <A, E>(
  body: (window: NonceWindow["Type"]) => Effect.Effect<A, E>,
  options?: Parameters<typeof NonceWindow.make>[0]
) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(NOW_MS)
    return yield* body(yield* NonceWindow.make(options))
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
        assert.strictEqual(yield* reason(window.check("5OtherHotkey", "u", nonce, 12)), "accepted")
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

  it.effect("a flood of fresh uuids stays under the cap", () =>
    withWindow(
      (window) =>
        Effect.gen(function* () {
          for (let i = 0; i < 5_000; i++) yield* window.check(HOTKEY, `flood-${i}`, NOW_NS + BigInt(i), 12)
          assert.strictEqual(yield* window.size, 1_000)
          // The most recent callers are the ones kept.
          assert.strictEqual(yield* reason(window.check(HOTKEY, "flood-4999", NOW_NS + 4_999n, 12)), "not-increasing")
        }),
      { maxKeys: 1_000 }
    )
  )

  it.effect("keys expire once their nonces fall out of every window", () =>
    withWindow((window) =>
      Effect.gen(function* () {
        for (let i = 0; i < 100; i++) yield* window.check(HOTKEY, `old-${i}`, NOW_NS, 12)
        assert.strictEqual(yield* window.size, 100)
        yield* TestClock.adjust("65 seconds")
        yield* window.check(HOTKEY, "fresh", NOW_NS + 65n * SECOND, 12)
        assert.strictEqual(yield* window.size, 1)
        // Forgetting was safe: the forgotten nonces are stale now.
        assert.strictEqual(yield* reason(window.check(HOTKEY, "old-0", NOW_NS, 60)), "stale")
      })
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
      for (let i = 0; i < 10; i++) yield* window.check(HOTKEY, `c-${i}`, NOW_NS, 12)
      assert.strictEqual(yield* window.size, 3)
    }).pipe(
      Effect.provide(
        NonceWindow.layerConfig({ maxKeys: Config.integer("NONCE_MAX_KEYS") }).pipe(
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["NONCE_MAX_KEYS", "3"]]))))
        )
      )
    )
  )
})
