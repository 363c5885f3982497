import type { LoadRecord, LoadReport } from "./loadgen/spec.js"
import { percent, summarize } from "./stats.js"

/** How many records ended in each outcome. */
export const outcomeCounts = (records: ReadonlyArray<LoadRecord>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const [, , outcome] of records) counts[outcome] = (counts[outcome] ?? 0) + 1
  return counts
}

/** The records of one group of a report. */
export const groupRecords = (report: LoadReport, group: number): ReadonlyArray<LoadRecord> =>
  report.records.filter(([index]) => index === group)

/** The figures of one load group: rate, latency, and how many did not end in `success`. */
export interface GroupFigures {
  readonly requests: number
  /** Requests the validator answered (any HTTP answer): neither timed out nor failed in transport. */
  readonly answered: number
  readonly perSecond: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly errors: number
  readonly errorPct: number
  readonly outcomes: Record<string, number>
}

/** Figures of group `group`, where an outcome in `success` is not an error. */
export const groupFigures = (report: LoadReport, group: number, success: ReadonlyArray<string>): GroupFigures => {
  const records = groupRecords(report, group)
  const latency = summarize(records.map(([, , , ms]) => ms))
  const errors = records.filter(([, , outcome]) => !success.includes(outcome)).length
  const elapsed = report.elapsedMs[group] ?? 0
  const unanswered = records.filter(([, , outcome]) => outcome === "timeout" || outcome.startsWith("failed:")).length
  return {
    requests: records.length,
    answered: records.length - unanswered,
    perSecond: elapsed === 0 ? 0 : Math.round((records.length / elapsed) * 1000),
    p50: latency.p50,
    p99: latency.p99,
    max: latency.max,
    errors,
    errorPct: percent(errors, records.length),
    outcomes: outcomeCounts(records)
  }
}

/** A markdown table of `rows`, one column per key of `columns` (header text as the value). */
export const markdownTable = (
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: Record<string, string>
): string => {
  const keys = Object.keys(columns)
  const line = (cells: ReadonlyArray<unknown>) => `| ${cells.map((cell) => String(cell)).join(" | ")} |`
  return [
    line(Object.values(columns)),
    line(keys.map(() => "---")),
    ...rows.map((row) => line(keys.map((key) => row[key] ?? "")))
  ].join("\n")
}
