import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Equal, FastCheck as fc, FiberRef, HashSet, Logger, TestClock } from "effect"
import * as Log from "../src/ops/Log.js"
import * as RequestLog from "../src/ops/RequestLog.js"

const entry = (n: number, extra: Partial<RequestLog.RequestLogEntry> = {}): RequestLog.RequestLogEntry => ({
  synapse: "PatCheckSynapse",
  status: 200,
  outcome: "valid",
  uid: n,
  hotkey: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
  pat: undefined,
  reason: null,
  githubMs: { identity: 12, "test-query": 14 },
  totalMs: 20.04,
  ...extra
})

// A real file as the target: what reached it is what a reader of the log sees.
const fileTarget = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = mkdtempSync(join(tmpdir(), "gittensor-request-log-"))
    const path = join(dir, "requests.log")
    const chunks: Array<string> = []
    const target = (chunk: string) => {
      chunks.push(chunk)
      appendFileSync(path, chunk)
    }
    const lines = () => {
      try {
        return readFileSync(path, "utf8").split("\n").slice(0, -1)
      } catch {
        return []
      }
    }
    return { dir, target, chunks, lines }
  }),
  ({ dir }) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const WINDOW = "50 millis"

/** The validator's logger writing JSON lines to `write`, batched per `WINDOW` (on the test clock). */
const jsonLog = (write: (chunk: string) => void, level: "Info" | "Warning" = "Info") =>
  Log.layer({ format: "json", level, write, window: WINDOW })

// Lets the batch's timer fire: the test clock moves a window on.
const windowPasses = Effect.zipRight(TestClock.adjust(WINDOW), Effect.yieldNow())

const uids = (lines: ReadonlyArray<string>) => lines.map((line) => JSON.parse(line).uid)

describe("request log", () => {
  it.scoped("lines logged in one window reach the target once, whole and in order, after the window", () =>
    Effect.gen(function* () {
      const file = yield* fileTarget
      yield* Effect.gen(function* () {
        for (const n of [1, 2, 3]) yield* RequestLog.logRequest(entry(n))
        assert.deepStrictEqual(file.lines(), [])
        yield* windowPasses
        assert.strictEqual(file.chunks.length, 1)
        const lines = file.lines().map((line) => JSON.parse(line))
        assert.deepStrictEqual(uids(file.lines()), [1, 2, 3])
        const { timestamp, ...rest } = lines[0]
        assert.strictEqual(timestamp, new Date(0).toISOString())
        assert.deepStrictEqual(rest, {
          level: "INFO",
          message: "request",
          synapse: "PatCheckSynapse",
          status: 200,
          outcome: "valid",
          uid: 1,
          hotkey: "5GrwvaEF…",
          github_ms: { identity: 12, "test-query": 14 },
          total_ms: 20
        })
      }).pipe(Effect.provide(jsonLog(file.target)))
    }))

  it.scoped("one write per window, in whole lines", () =>
    Effect.gen(function* () {
      const file = yield* fileTarget
      yield* Effect.gen(function* () {
        for (let n = 0; n < 20; n++) yield* RequestLog.logRequest(entry(n))
        yield* windowPasses
        for (let n = 20; n < 25; n++) yield* RequestLog.logRequest(entry(n))
        yield* windowPasses
        yield* windowPasses
      }).pipe(Effect.provide(jsonLog(file.target)))
      assert.strictEqual(file.chunks.length, 2)
      for (const chunk of file.chunks) assert.isTrue(chunk.endsWith("\n"))
      assert.deepStrictEqual(
        uids(file.lines()),
        Array.from({ length: 25 }, (_, n) => n)
      )
    }))

  it.effect("closing its scope writes what is queued (shutdown loses no line)", () =>
    Effect.gen(function* () {
      const written: Array<string> = []
      yield* RequestLog.logRequest(entry(7, { status: 503, outcome: "http_503", reason: "Validator is shutting down; retry shortly." })).pipe(
        Effect.provide(jsonLog((chunk) => written.push(chunk)))
      )
      assert.strictEqual(written.length, 1)
      assert.deepInclude(JSON.parse(written[0]!), { status: 503, reason: "Validator is shutting down; retry shortly." })
    }))

  it.effect("below the minimum log level (above Info) no request line is written", () =>
    Effect.gen(function* () {
      const written: Array<string> = []
      yield* Effect.zipRight(RequestLog.logRequest(entry(1)), Effect.logWarning("kept")).pipe(
        Effect.provide(jsonLog((chunk) => written.push(chunk), "Warning"))
      )
      assert.deepStrictEqual(
        written.join("").split("\n").slice(0, -1).map((line) => JSON.parse(line).message),
        ["kept"]
      )
    }))

  it.effect("on stdout by default, it follows the minimum log level", () =>
    Effect.gen(function* () {
      const original = process.stdout.write
      const written: Array<string> = []
      process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write
      try {
        yield* RequestLog.logRequest(entry(1)).pipe(Effect.provide(Log.layer({ format: "json", level: "Warning" })))
        assert.deepStrictEqual(written, [])
        yield* RequestLog.logRequest(entry(2)).pipe(Effect.provide(Log.layer({ format: "json", level: "Info" })))
      } finally {
        process.stdout.write = original
      }
      assert.deepStrictEqual(uids(written.join("").split("\n").slice(0, -1)), [2])
    }))

  it.effect("the line is an Info record of the current logger, its fields as annotations", () =>
    Effect.gen(function* () {
      const records: Array<{ level: string; message: unknown; annotations: object }> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message, annotations }) =>
          records.push({ level: logLevel.label, message, annotations: Object.fromEntries(annotations) })
        )
      )
      yield* RequestLog.logRequest(entry(4, { pat: "***WXYZ" })).pipe(Effect.provide(capture))
      assert.strictEqual(records.length, 1)
      assert.deepInclude(records[0], { level: "INFO", message: ["request"] })
      assert.deepInclude(records[0]!.annotations, { uid: 4, pat: "***WXYZ", outcome: "valid" })
    }))

  it.effect("while its scope lasts it is the one logger (Effect's default and runMain's pretty one out); then they are back", () =>
    Effect.gen(function* () {
      const loggers = FiberRef.get(FiberRef.currentLoggers)
      const start = HashSet.make(Logger.defaultLogger, Logger.prettyLoggerDefault)
      yield* Effect.gen(function* () {
        const inside = yield* Effect.provide(loggers, jsonLog(() => {}))
        assert.strictEqual(HashSet.size(inside), 1)
        assert.isFalse(HashSet.has(inside, Logger.defaultLogger) || HashSet.has(inside, Logger.prettyLoggerDefault))
        // Provided again and again, it leaves no logger behind.
        for (let n = 0; n < 3; n++) yield* Effect.provide(Effect.logInfo("once"), jsonLog(() => {}))
        assert.isTrue(Equal.equals(yield* loggers, start))
      }).pipe(Effect.locally(FiberRef.currentLoggers, start))
    }))

  it.effect.prop(
    "whatever the entries and wherever the windows close, the target receives exactly their lines, in order",
    {
      reasons: fc.array(fc.option(fc.string({ maxLength: 80 }), { nil: null }), { maxLength: 24 }),
      windowsAfter: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 6 })
    },
    ({ reasons, windowsAfter }) =>
      Effect.gen(function* () {
        const written: Array<string> = []
        yield* Effect.gen(function* () {
          for (const [n, reason] of reasons.entries()) {
            yield* RequestLog.logRequest(entry(n, { reason }))
            if (windowsAfter.includes(n)) yield* windowPasses
          }
        }).pipe(Effect.provide(jsonLog((chunk) => written.push(chunk))))
        const lines = written.join("").split("\n").slice(0, -1).map((line) => JSON.parse(line))
        assert.deepStrictEqual(
          lines.map((line) => [line.uid, line.reason ?? null]),
          reasons.map((reason, n) => [n, reason])
        )
      })
  )
})
