import { Console, Context, Duration, Effect, Fiber, Layer, Ref } from "effect"

/**
 * Tells the user, on stderr only, that validators are being waited for. stdout stays
 * reserved for the report so `--json` output can be piped.
 */
export class Progress extends Context.Tag("@gittensor-pat/miner/Progress")<
  Progress,
  {
    /** A tracker for `total` calls; `advance` after each answer, `finish` once all are in. */
    readonly track: (
      total: number,
      label: string
    ) => Effect.Effect<{
      readonly advance: (note: string) => Effect.Effect<void>
      readonly finish: Effect.Effect<void>
    }>
  }
>() {}

const spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

/** One line per answer, through `Console.error`: for logs, pipes and captured test output. */
export const lines: Progress["Type"] = {
  track: (total, label) =>
    Effect.gen(function* () {
      const done = yield* Ref.make(0)
      yield* Console.error(`${label}: waiting for ${total} validator(s)…`)
      return {
        advance: (note) =>
          Ref.updateAndGet(done, (n) => n + 1).pipe(
            Effect.flatMap((n) => Console.error(`[${n}/${total}] ${note}`))
          ),
        finish: Effect.void
      }
    })
}

/** A spinner line rewritten in place, for a person watching a terminal. */
export const inPlace = (write: (text: string) => void): Progress["Type"] => ({
  track: (total, label) =>
    Effect.gen(function* () {
      const done = yield* Ref.make(0)
      const frame = yield* Ref.make(0)
      const draw = Effect.gen(function* () {
        const n = yield* Ref.get(done)
        const f = yield* Ref.getAndUpdate(frame, (i) => (i + 1) % spinner.length)
        yield* Effect.sync(() => write(`\r\x1b[2K${spinner[f]} ${label}: ${n}/${total} answered`))
      })
      yield* draw
      const ticker = yield* Effect.forkDaemon(Effect.forever(Effect.delay(draw, Duration.millis(100))))
      return {
        advance: () => Ref.update(done, (n) => n + 1).pipe(Effect.zipRight(draw)),
        finish: Fiber.interrupt(ticker).pipe(Effect.zipRight(Effect.sync(() => write("\r\x1b[2K"))))
      }
    })
})

/** Nothing at all: a watch says one line per round instead. */
export const silent: Progress["Type"] = {
  track: () => Effect.succeed({ advance: () => Effect.void, finish: Effect.void })
}

/** In place when stderr is a terminal, line by line otherwise. */
export const layerNode: Layer.Layer<Progress> = Layer.sync(Progress, () =>
  process.stderr.isTTY ? inPlace((text) => process.stderr.write(text)) : lines
)

/** Line by line through the current `Console`. */
export const layerLines: Layer.Layer<Progress> = Layer.succeed(Progress, lines)
