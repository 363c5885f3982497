import { durationTextExample, parseDurationText } from "@gittensor-pat/core"
import { Duration, Either, Option } from "effect"

/**
 * The shortest `--watch` period: each round asks every validator, and validators limit how
 * often one hotkey may call them.
 */
export const shortestWatch = Duration.seconds(10)

/**
 * `--watch DURATION`: one or more `<number><unit>` parts, units s, m, h, d (`90s`, `30m`,
 * `1h30m`). Left: what is wrong, in words for the person who typed it.
 */
export const parseWatchDuration = (text: string): Either.Either<Duration.Duration, string> =>
  Option.match(parseDurationText(text), {
    onNone: () => Either.left(`--watch needs a duration ${durationTextExample} (got '${text}').`),
    onSome: (duration) =>
      Duration.lessThan(duration, shortestWatch)
        ? Either.left(
            `--watch must be at least ${Duration.format(shortestWatch)} (got '${text}'): every round calls every validator, and validators rate-limit each hotkey.`
          )
        : Either.right(duration)
  })
