import { Duration, Either } from "effect"

const unitMillis: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * The shortest `--watch` period: each round asks every validator, and validators limit how
 * often one hotkey may call them.
 */
export const shortestWatch = Duration.seconds(10)

const example = "such as 90s, 30m, 1h or 1h30m"

/**
 * `--watch DURATION`: one or more `<number><unit>` parts, units s, m, h, d (`90s`, `30m`,
 * `1h30m`). Left: what is wrong, in words for the person who typed it.
 */
export const parseWatchDuration = (text: string): Either.Either<Duration.Duration, string> => {
  const compact = text.trim().toLowerCase()
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(compact)) {
    return Either.left(`--watch needs a duration ${example} (got '${text}').`)
  }
  const millis = [...compact.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)].reduce(
    (sum, [, amount = "0", unit = "s"]) => sum + Number(amount) * (unitMillis[unit] ?? 0),
    0
  )
  return millis < Duration.toMillis(shortestWatch)
    ? Either.left(
        `--watch must be at least ${Duration.format(shortestWatch)} (got '${text}'): every round calls every validator, and validators rate-limit each hotkey.`
      )
    : Either.right(Duration.millis(millis))
}
