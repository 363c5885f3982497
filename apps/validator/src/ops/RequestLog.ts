import { Context, Effect, FiberRef, Layer, LogLevel, Option, type Scope } from "effect"
import type { RequestOutcome } from "./Metrics.js"
import type { GitHubTimings } from "./ObservedGitHub.js"

/** The one log line of a request. Holds no token: `pat` is already masked (`***abcd`). */
export interface RequestLogEntry {
  readonly synapse: string
  readonly status: number
  readonly outcome: RequestOutcome
  readonly uid: number | undefined
  readonly hotkey: string | undefined
  readonly pat: string | undefined
  readonly reason: string | null
  readonly githubMs: GitHubTimings
  readonly totalMs: number
}

// Eight characters identify a hotkey in a log without spelling every address out.
const prefix = (hotkey: string): string => `${hotkey.slice(0, 8)}…`

const annotations = (entry: RequestLogEntry): Record<string, unknown> => ({
  synapse: entry.synapse,
  status: entry.status,
  outcome: entry.outcome,
  ...(entry.uid === undefined ? {} : { uid: entry.uid }),
  ...(entry.hotkey === undefined ? {} : { hotkey: prefix(entry.hotkey) }),
  ...(entry.pat === undefined ? {} : { pat: entry.pat }),
  ...(entry.reason === null ? {} : { reason: entry.reason }),
  github_ms: entry.githubMs,
  total_ms: Math.round(entry.totalMs * 10) / 10
})

/**
 * The request's line as `Logger.json` writes an Info record, newline included, built with
 * one `JSON.stringify` of plain data: the logger's annotation map and circular-safe
 * stringify cost more than the rest of a refused request.
 */
const requestLine = (entry: RequestLogEntry, epochMs: number): string =>
  `${JSON.stringify({
    message: "request",
    logLevel: "INFO",
    timestamp: new Date(epochMs).toISOString(),
    annotations: annotations(entry),
    spans: {}
  })}\n`

/** Where the validator writes its request lines, batched. */
export class RequestLog extends Context.Tag("@gittensor-pat/validator/RequestLog")<
  RequestLog,
  {
    /** Queues the request's line; lines reach the target whole and in order. */
    readonly write: (entry: RequestLogEntry) => void
    /** Writes every queued line now. */
    readonly flush: () => void
  }
>() {}

/** How a request log writes. */
export interface RequestLogOptions {
  /** Receives whole lines, many at a time. */
  readonly target: (chunk: string) => void
  /** False drops every line (a minimum log level above Info). Default true. */
  readonly enabled?: boolean
  /** Queued characters that force a write before the event-loop turn ends. Default 64 Ki. */
  readonly highWaterMark?: number
}

/**
 * A request log that writes once per event-loop turn (or at `highWaterMark`) instead of
 * once per line: each write to stdout is a system call, and one per request cost more than
 * the line's formatting. Whatever is queued is written when the scope closes.
 */
export const make = (options: RequestLogOptions): Effect.Effect<RequestLog["Type"], never, Scope.Scope> => {
  const highWaterMark = options.highWaterMark ?? 64 * 1024
  let queued: Array<string> = []
  let size = 0
  let scheduled: NodeJS.Immediate | undefined
  const flush = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled)
    scheduled = undefined
    if (queued.length === 0) return
    const chunk = queued.join("")
    queued = []
    size = 0
    options.target(chunk)
  }
  const write = (entry: RequestLogEntry): void => {
    const line = requestLine(entry, Date.now())
    queued.push(line)
    size += line.length
    if (size >= highWaterMark) flush()
    else scheduled ??= setImmediate(flush)
  }
  const log = RequestLog.of({ write: options.enabled === false ? () => {} : write, flush })
  return Effect.acquireRelease(Effect.succeed(log), () => Effect.sync(flush))
}

/** A request log over `options`. */
export const layer = (options: RequestLogOptions): Layer.Layer<RequestLog> => Layer.scoped(RequestLog, make(options))

/** The request log on stdout, written only if the minimum log level lets Info records through. */
export const layerStdout: Layer.Layer<RequestLog> = Layer.scoped(
  RequestLog,
  Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (minimum) =>
    make({
      target: (chunk) => {
        process.stdout.write(chunk)
      },
      enabled: LogLevel.greaterThanEqual(LogLevel.Info, minimum)
    })
  )
)

/**
 * Writes the request's line: through the `RequestLog` if one is provided, otherwise as an
 * Info record of the current logger (embedders and tests that capture the logger).
 */
export const logRequest = (entry: RequestLogEntry): Effect.Effect<void> =>
  Effect.flatMap(Effect.serviceOption(RequestLog), (log) =>
    Option.isSome(log)
      ? Effect.sync(() => log.value.write(entry))
      : Effect.logInfo("request").pipe(Effect.annotateLogs(annotations(entry)))
  )
