import { format, stripVTControlCharacters } from "node:util"
import { Config, type Console, Effect, Option } from "effect"

/** How a program's text is shown: the command as a person types it, and which streams stay plain. */
export interface Presentation {
  /** The command as typed from the repository root, such as `pnpm validator`. */
  readonly typed: string
  /** Whether stdout text must carry no ANSI escapes. */
  readonly plainOut: boolean
  /** Whether stderr text must carry no ANSI escapes. */
  readonly plainErr: boolean
}

/**
 * Whether a stream's text must be plain: it is not a terminal (a pipe or a file, where escapes
 * are noise), or `NO_COLOR` holds any non-empty value (https://no-color.org).
 */
export const wantsPlain = (isTerminal: boolean, noColor: Option.Option<string>): boolean =>
  !isTerminal || Option.exists(noColor, (value) => value !== "")

// @effect/cli starts each usage line with `$ ` and the command's own name alone (`serve`),
// or the program's name in the program's own help.
const USAGE_LINE = /^\$ (\S+)/gm

// A help document has a USAGE heading (styled or not); nothing else is rewritten.
const USAGE_HEADING = /^USAGE$/m

/**
 * `text` with each `--help` usage line written as the person types the command:
 * `$ serve …` becomes `pnpm validator serve …`, and `$ validator` becomes `pnpm validator`.
 * Text that is not a help document (a program's own output) is left as it is.
 */
export const asTyped = (text: string, typed: string): string => {
  if (!USAGE_HEADING.test(stripVTControlCharacters(text))) return text
  const program = typed.slice(typed.lastIndexOf(" ") + 1)
  return text.replace(USAGE_LINE, (_, first: string) => (first === program ? typed : `${typed} ${first}`))
}

/** `base` writing every line as `presentation` says: usage as typed, and no escapes where plain. */
export const presenting = (base: Console.Console, presentation: Presentation): Console.Console => {
  const shown = (plain: boolean) => (args: ReadonlyArray<unknown>) => {
    const text = asTyped(format(...args), presentation.typed)
    return plain ? stripVTControlCharacters(text) : text
  }
  const out = shown(presentation.plainOut)
  const err = shown(presentation.plainErr)
  return {
    ...base,
    log: (...args) => base.log(out(args)),
    info: (...args) => base.info(out(args)),
    warn: (...args) => base.warn(err(args)),
    error: (...args) => base.error(err(args)),
    unsafe: {
      ...base.unsafe,
      log: (...args) => base.unsafe.log(out(args)),
      info: (...args) => base.unsafe.info(out(args)),
      warn: (...args) => base.unsafe.warn(err(args)),
      error: (...args) => base.unsafe.error(err(args))
    }
  }
}

/**
 * Runs a program's command line with its text shown as `typed` says, for this process's
 * stdout and stderr and the `NO_COLOR` the config holds. @effect/cli renders `--help` and its
 * usage errors with ANSI styles whatever the output is, and has no plain rendering to ask for:
 * its text is made plain here, where it leaves through the `Console`.
 */
export const withPresentation =
  (typed: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.gen(function* () {
      const noColor = yield* Effect.orElseSucceed(Config.option(Config.string("NO_COLOR")), Option.none)
      const base = yield* Effect.console
      const presentation: Presentation = {
        typed,
        plainOut: wantsPlain(process.stdout.isTTY === true, noColor),
        plainErr: wantsPlain(process.stderr.isTTY === true, noColor)
      }
      return yield* Effect.withConsole(self, presenting(base, presentation))
    })
