import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Progress from "../src/Progress.js"

describe("progress on stderr", () => {
  it.live("in a terminal: one line rewritten in place, cleared at the end", () =>
    Effect.gen(function* () {
      const writes: Array<string> = []
      const tracker = yield* Progress.inPlace((text) => writes.push(text)).track(2, "Checking")
      yield* tracker.advance("uid 0: valid")
      yield* Effect.sleep("250 millis")
      yield* tracker.advance("uid 2: no_pat")
      yield* tracker.finish
      const count = writes.length
      yield* Effect.sleep("250 millis")
      assert.strictEqual(writes.length, count, "the spinner stops at finish")
      assert.isTrue(writes.every((w) => w.startsWith("\r\x1b[2K") && !w.includes("\n")))
      assert.isTrue(writes.some((w) => w.endsWith("Checking: 0/2 answered")))
      assert.isTrue(writes.some((w) => w.endsWith("Checking: 2/2 answered")))
      assert.isAbove(new Set(writes.map((w) => w.slice(5, 6))).size, 1, "the spinner turns while waiting")
      assert.strictEqual(writes.at(-1), "\r\x1b[2K")
    })
  )

  it.effect("in a pipe: one line per answer, through Console.error", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const base = yield* Effect.console
      const capture = { ...base, error: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(args.join(" "))) }
      yield* Effect.gen(function* () {
        const tracker = yield* Progress.lines.track(2, "Posting")
        yield* tracker.advance("uid 0: accepted")
        yield* tracker.advance("uid 3: no_response")
        yield* tracker.finish
      }).pipe(Effect.withConsole(capture))
      assert.deepStrictEqual(lines, [
        "Posting: waiting for 2 validator(s)…",
        "[1/2] uid 0: accepted",
        "[2/2] uid 3: no_response"
      ])
    })
  )
})
