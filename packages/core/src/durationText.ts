import { Duration, Option } from "effect"

const unitMillis: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** How a duration flag is written, for messages: `90s`, `30m`, `1h30m`. */
export const durationTextExample = "such as 90s, 30m, 1h or 1h30m"

/**
 * A duration as a command line takes it: one or more `<number><unit>` parts, units s, m, h,
 * d (`90s`, `5m`, `1h30m`, case and surrounding spaces ignored). None when it is not one.
 */
export const parseDurationText = (text: string): Option.Option<Duration.Duration> => {
  const compact = text.trim().toLowerCase()
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(compact)) return Option.none()
  const millis = [...compact.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)].reduce(
    (sum, [, amount = "0", unit = "s"]) => sum + Number(amount) * (unitMillis[unit] ?? 0),
    0
  )
  return Option.some(Duration.millis(millis))
}
