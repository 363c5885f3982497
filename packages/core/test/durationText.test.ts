import { assert, describe, it } from "@effect/vitest"
import { Duration, FastCheck as fc, Option } from "effect"
import { parseDurationText } from "@gittensor-pat/core"

const unitMillis = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const part = fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom("s", "m", "h", "d") as fc.Arbitrary<keyof typeof unitMillis>)

describe("parseDurationText: durations as flags take them (--watch, --metagraph-refresh)", () => {
  it("reads each unit, fractions, sums of parts, case and spaces aside", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["90s", 90_000],
      ["5m", 300_000],
      ["1h30m", 5_400_000],
      ["1.5h", 5_400_000],
      ["2d", 172_800_000],
      [" 5M ", 300_000]
    ]
    for (const [text, millis] of cases) assert.deepStrictEqual(Option.map(parseDurationText(text), Duration.toMillis), Option.some(millis), text)
  })

  it("refuses what is not a duration", () => {
    for (const text of ["", "5", "m", "5 m", "5min", "-5m", "5m-", "1h 30m", "five minutes", "0x10s"]) {
      assert.isTrue(Option.isNone(parseDurationText(text)), text)
    }
  })

  it.prop("any run of parts is the sum of its parts", [fc.array(part, { minLength: 1, maxLength: 4 })], ([parts]) => {
    const text = parts.map(([n, unit]) => `${n}${unit}`).join("")
    const millis = parts.reduce((sum, [n, unit]) => sum + n * unitMillis[unit], 0)
    assert.deepStrictEqual(Option.map(parseDurationText(text), Duration.toMillis), Option.some(millis))
  })
})
