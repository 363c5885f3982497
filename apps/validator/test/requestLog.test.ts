import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, FastCheck as fc, Logger, LogLevel, Scope } from "effect"
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

const nextTurn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

describe("request log", () => {
  it.scoped("lines written in one event-loop turn reach the target once, whole and in order, after the turn", () =>
    Effect.gen(function* () {
      const file = yield* fileTarget
      const log = yield* RequestLog.make({ target: file.target })
      for (const n of [1, 2, 3]) log.write(entry(n))
      assert.deepStrictEqual(file.lines(), [])
      yield* nextTurn
      assert.strictEqual(file.chunks.length, 1)
      const lines = file.lines().map((line) => JSON.parse(line))
      assert.deepStrictEqual(
        lines.map((line) => line.annotations.uid),
        [1, 2, 3]
      )
      assert.deepInclude(lines[0], { message: "request", logLevel: "INFO", spans: {} })
      assert.deepStrictEqual(lines[0].annotations, {
        synapse: "PatCheckSynapse",
        status: 200,
        outcome: "valid",
        uid: 1,
        hotkey: "5GrwvaEF…",
        github_ms: { identity: 12, "test-query": 14 },
        total_ms: 20
      })
    }))

  it.scoped("a full buffer is written at once, in whole lines", () =>
    Effect.gen(function* () {
      const file = yield* fileTarget
      const log = yield* RequestLog.make({ target: file.target, highWaterMark: 1_000 })
      for (let n = 0; n < 20; n++) log.write(entry(n))
      assert.isAbove(file.chunks.length, 1)
      for (const chunk of file.chunks) assert.isTrue(chunk.endsWith("\n"))
      yield* nextTurn
      assert.deepStrictEqual(
        file.lines().map((line) => JSON.parse(line).annotations.uid),
        Array.from({ length: 20 }, (_, n) => n)
      )
    }))

  it.effect("closing its scope writes what is queued (shutdown loses no line)", () =>
    Effect.gen(function* () {
      const written: Array<string> = []
      const scope = yield* Scope.make()
      const log = yield* RequestLog.make({ target: (chunk) => written.push(chunk) }).pipe(Scope.extend(scope))
      log.write(entry(7, { status: 503, outcome: "http_503", reason: "Validator is shutting down; retry shortly." }))
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(written.length, 1)
      assert.deepInclude(JSON.parse(written[0]!).annotations, { status: 503, reason: "Validator is shutting down; retry shortly." })
    }))

  it.effect("a disabled log (minimum level above Info) writes nothing", () =>
    Effect.gen(function* () {
      const written: Array<string> = []
      const log = yield* RequestLog.make({ target: (chunk) => written.push(chunk), enabled: false })
      log.write(entry(1))
      log.flush()
      assert.deepStrictEqual(written, [])
    }).pipe(Effect.scoped))

  it.effect("on stdout, it follows the minimum log level it was built under", () =>
    Effect.gen(function* () {
      const quiet = yield* Effect.provide(RequestLog.RequestLog, RequestLog.layerStdout).pipe(
        Logger.withMinimumLogLevel(LogLevel.Warning)
      )
      const original = process.stdout.write
      const written: Array<string> = []
      process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write
      try {
        quiet.write(entry(1))
        quiet.flush()
      } finally {
        process.stdout.write = original
      }
      assert.deepStrictEqual(written, [])
    }))

  it.effect("without a RequestLog the line is an Info record of the current logger", () =>
    Effect.gen(function* () {
      const records: Array<unknown> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ message, annotations }) => records.push({ message, annotations: Object.fromEntries(annotations) }))
      )
      yield* RequestLog.logRequest(entry(4, { pat: "***WXYZ" })).pipe(Effect.provide(capture))
      assert.strictEqual(records.length, 1)
      assert.deepInclude((records[0] as { annotations: object }).annotations, { uid: 4, pat: "***WXYZ", outcome: "valid" })
    }))

  it.effect.prop(
    "whatever the entries and the buffer size, the target receives exactly their lines, in order",
    {
      reasons: fc.array(fc.option(fc.string({ maxLength: 80 }), { nil: null }), { maxLength: 24 }),
      highWaterMark: fc.integer({ min: 1, max: 4_096 })
    },
    ({ reasons, highWaterMark }) =>
      Effect.gen(function* () {
        const written: Array<string> = []
        const log = yield* RequestLog.make({ target: (chunk) => written.push(chunk), highWaterMark })
        for (const [n, reason] of reasons.entries()) log.write(entry(n, { reason }))
        log.flush()
        const lines = written.join("").split("\n").slice(0, -1).map((line) => JSON.parse(line))
        assert.deepStrictEqual(
          lines.map((line) => [line.annotations.uid, line.annotations.reason ?? null]),
          reasons.map((reason, n) => [n, reason])
        )
      }).pipe(Effect.scoped)
  )
})
