import { Headers } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Logger, Redacted } from "effect"
import { jsonLine, prettyLine } from "../src/ops/logLines.js"

/** Runs `self` under a logger that keeps each record's line in both formats. */
const linesOf = <A, E>(self: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const json: Array<string> = []
    const pretty: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make((record) => {
        json.push(jsonLine(record))
        pretty.push(prettyLine(record))
      })
    )
    yield* Effect.exit(self.pipe(Effect.provide(capture)))
    return { json, pretty }
  })

const request = Effect.logInfo("request").pipe(
  Effect.annotateLogs({ synapse: "PatCheckSynapse", status: 403, outcome: "http_403", reason: "Hotkey is not registered", github_ms: {}, total_ms: 0.4 })
)

describe("log lines", () => {
  it.effect("JSON: one flat object, timestamp, level and message first, each annotation a field in key order, nothing empty", () =>
    Effect.gen(function* () {
      const { json } = yield* linesOf(request)
      assert.lengthOf(json, 1)
      assert.deepStrictEqual(Object.keys(JSON.parse(json[0]!)), [
        "timestamp", "level", "message", "github_ms", "outcome", "reason", "status", "synapse", "total_ms"
      ])
      assert.notInclude(json[0]!, "\n")
      assert.isTrue(json[0]!.startsWith('{"timestamp":"1970-01-01T00:00:00.000Z","level":"INFO","message":"request",'))
      assert.deepStrictEqual(JSON.parse(json[0]!), {
        timestamp: "1970-01-01T00:00:00.000Z",
        level: "INFO",
        message: "request",
        synapse: "PatCheckSynapse",
        status: 403,
        outcome: "http_403",
        reason: "Hotkey is not registered",
        github_ms: {},
        total_ms: 0.4
      })
    }))

  it.effect("pretty: one line, timestamp LEVEL message key=value, strings quoted only when they must be", () =>
    Effect.gen(function* () {
      const { pretty } = yield* linesOf(request)
      assert.lengthOf(pretty, 1)
      const line = pretty[0]!
      assert.isTrue(line.startsWith("1970-01-01T00:00:00.000Z INFO  request "))
      assert.notInclude(line, "\n")
      assert.strictEqual(
        line,
        '1970-01-01T00:00:00.000Z INFO  request github_ms={} outcome=http_403 reason="Hotkey is not registered" status=403 synapse=PatCheckSynapse total_ms=0.4'
      )
    }))

  it.effect("a cause, a message in several parts, spans, and an annotation named like a field of the record", () =>
    Effect.gen(function* () {
      const { json, pretty } = yield* linesOf(
        Effect.logError("save failed", { removed: 2 }, Cause.fail(new Error("disk\nfull"))).pipe(
          Effect.annotateLogs({ message: "shadowed", level: 3 }),
          Effect.withLogSpan("save")
        )
      )
      const record = JSON.parse(json[0]!)
      assert.strictEqual(record.level, "ERROR")
      assert.strictEqual(record.message, 'save failed {"removed":2}')
      assert.strictEqual(record.annotation_message, "shadowed")
      assert.strictEqual(record.annotation_level, 3)
      assert.include(record.cause, "disk\nfull")
      assert.deepStrictEqual(Object.keys(record.spans), ["save"])
      assert.notInclude(pretty[0]!, "\n")
      assert.include(pretty[0]!, "ERROR save failed")
      assert.include(pretty[0]!, ' cause="Error: disk\\nfull')
      assert.match(pretty[0]!, / save=\d+ms$/)
    }))

  it.effect("what Effect redacts stays redacted, also nested in an annotation", () =>
    Effect.gen(function* () {
      const token = "ghp_NestedInHeaders_0001"
      const { json, pretty } = yield* linesOf(
        Effect.logWarning("GitHub call failed").pipe(
          Effect.annotateLogs({
            request: { headers: Headers.fromInput({ authorization: `Bearer ${token}` }) },
            pat: Redacted.make(token)
          })
        )
      )
      for (const line of [...json, ...pretty]) assert.notInclude(line, token)
      assert.strictEqual(JSON.parse(json[0]!).pat, "<redacted>")
    }))
})
