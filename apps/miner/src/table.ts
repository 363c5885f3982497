import type { Skipped } from "./selection.js"

/** One line of the human-readable report. */
export interface TableRow {
  readonly uid: number
  readonly hotkey: string
  readonly status: string
  readonly reason: string
}

const hotkeyPrefixLength = 10

/** Enough of an ss58 address to tell validators apart in a table. */
export const hotkeyPrefix = (hotkey: string): string =>
  hotkey.length > hotkeyPrefixLength ? `${hotkey.slice(0, hotkeyPrefixLength)}…` : hotkey

const headerCells: ReadonlyArray<string> = ["UID", "HOTKEY", "STATUS", "REASON"]

const cells = (row: TableRow): ReadonlyArray<string> => [
  String(row.uid),
  hotkeyPrefix(row.hotkey),
  row.status,
  row.reason
]

/** Rows as aligned columns under a header; the last column is left ragged. */
export const renderTable = (rows: ReadonlyArray<TableRow>): string => {
  const lines = [headerCells, ...rows.map(cells)]
  const widths = [0, 1, 2].map((column) =>
    Math.max(...lines.map((line) => (line[column] ?? "").length))
  )
  return lines
    .map((line) =>
      line
        .map((cell, column) => (column < widths.length ? cell.padEnd(widths[column] ?? 0) : cell))
        .join("  ")
        .trimEnd()
    )
    .join("\n")
}

/** Above this many, skipped neurons are summarised by reason instead of listed one by one. */
const listedSkippedLimit = 12

/** The neurons that were not called, and why. */
export const renderSkipped = (skipped: ReadonlyArray<Skipped>): string => {
  if (skipped.length === 0) {
    return ""
  }
  if (skipped.length <= listedSkippedLimit) {
    return [
      `Skipped ${skipped.length} neuron(s):`,
      ...skipped.map((s) => `  uid ${s.uid} ${hotkeyPrefix(s.hotkey)}: ${s.reason}`)
    ].join("\n")
  }
  const byReason = new Map<string, number>()
  for (const s of skipped) {
    byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1)
  }
  return [
    `Skipped ${skipped.length} neurons (--json lists each one):`,
    ...[...byReason].map(([reason, count]) => `  ${count} × ${reason}`)
  ].join("\n")
}
