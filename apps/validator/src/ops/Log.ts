import { Duration, Effect, FiberRef, HashSet, Layer, Logger, LogLevel } from "effect"
import { type LogFormat, lineLogger } from "./logLines.js"

/** Where and how the validator's log records go. */
export interface LogOptions {
  readonly format: LogFormat
  /** The lowest level written; records below it are not even formatted. */
  readonly level: LogLevel.Literal
  /** Receives whole lines, newline-terminated, many at a time. Default: stdout. */
  readonly write?: (chunk: string) => void
  /** How long records wait to be written together. Default 50 ms. */
  readonly window?: Duration.DurationInput
}

const stdout = (chunk: string): void => {
  process.stdout.write(chunk)
}

/**
 * The validator's one logger, in place of Effect's default (and of the pretty one `runMain`
 * installs unless told not to): every record, request lines included, formatted as `format`
 * and written in batches, one write per `window`, because a write to stdout is a system call
 * and one per request line cost more than the line. Whatever is pending is written when the
 * layer is released, so a drain's last lines reach stdout.
 */
export const layer = (options: LogOptions): Layer.Layer<never> => {
  const write = options.write ?? stdout
  const batched = Logger.batched(lineLogger(options.format), options.window ?? Duration.millis(50), (lines) =>
    Effect.sync(() => write(`${lines.join("\n")}\n`))
  )
  // One scoped effect sets both: with `Logger.replaceScoped`, or two layers merged, the logger
  // stays installed after the scope closes when the layer is provided to an effect.
  return Layer.scopedDiscard(
    Effect.flatMap(batched, (logger) =>
      Effect.zipRight(
        Effect.locallyScopedWith(FiberRef.currentLoggers, (loggers) =>
          HashSet.add(HashSet.remove(HashSet.remove(loggers, Logger.defaultLogger), Logger.prettyLoggerDefault), logger)
        ),
        Effect.locallyScoped(FiberRef.currentMinimumLogLevel, LogLevel.fromLiteral(options.level))
      )
    )
  )
}
