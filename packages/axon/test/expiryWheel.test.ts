import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { makeExpiryWheel } from "../src/expiryWheel.js"

const TICK = 1_000n
const SPAN = 10_000n

interface Entry {
  readonly id: number
  expiresAt: bigint
}

// Each step moves the clock forward, then schedules an entry due after now or moves one
// later: within the span, as the wheel asks, or beyond it, which it must survive.
const step = FastCheck.record({
  advance: FastCheck.bigInt({ min: 0n, max: 3n * SPAN }),
  action: FastCheck.oneof(
    FastCheck.record({ schedule: FastCheck.bigInt({ min: 1n, max: SPAN + 3n * TICK }) }),
    FastCheck.record({ move: FastCheck.nat(), by: FastCheck.bigInt({ min: 0n, max: SPAN }) })
  )
})

describe("makeExpiryWheel", () => {
  it.prop(
    "expires every entry once, never before its time, and by the end of its tick when within the span",
    [FastCheck.array(step, { maxLength: 80 }), FastCheck.bigInt({ min: 0n, max: 10n ** 12n })],
    ([steps, start]) => {
      const wheel = makeExpiryWheel<Entry>(SPAN, TICK, (entry) => entry.expiresAt)
      const live: Array<Entry> = []
      const expired = new Set<number>()
      const beyondSpan = new Set<number>()
      let now = start
      const advance = () => {
        wheel.advance(now, (entry) => {
          assert.isFalse(expired.has(entry.id), `entry ${entry.id} expired twice`)
          assert.isTrue(entry.expiresAt <= now, `entry ${entry.id} expired early`)
          expired.add(entry.id)
        })
        for (const entry of live) {
          if (expired.has(entry.id) || beyondSpan.has(entry.id)) continue
          const due = ((entry.expiresAt + TICK - 1n) / TICK) * TICK
          assert.isTrue(due > now, `entry ${entry.id} due at ${due} still held at ${now}`)
        }
      }
      for (const { advance: by, action } of steps) {
        now += by
        advance()
        if ("schedule" in action) {
          const entry = { id: live.length, expiresAt: now + action.schedule }
          if (action.schedule > SPAN) beyondSpan.add(entry.id)
          live.push(entry)
          wheel.schedule(entry)
        } else {
          const entry = live[action.move % Math.max(1, live.length)]
          if (entry === undefined || expired.has(entry.id)) continue
          entry.expiresAt += action.by
          if (entry.expiresAt > now + SPAN) beyondSpan.add(entry.id)
        }
      }
      // Long after everything is due, every entry has gone, the ones beyond the span too.
      for (const entry of live) if (entry.expiresAt > now) now = entry.expiresAt
      now += 2n * SPAN + 2n * TICK
      advance()
      assert.strictEqual(expired.size, live.length)
    }
  )
})
