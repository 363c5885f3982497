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

/** Lines of cells as aligned columns under `header`; the last column is left ragged. */
export const renderColumns = (header: ReadonlyArray<string>, lines: ReadonlyArray<ReadonlyArray<string>>): string => {
  const all = [header, ...lines]
  const widths = header.slice(0, -1).map((_, column) => Math.max(...all.map((line) => (line[column] ?? "").length)))
  return all
    .map((line) =>
      line
        .map((cell, column) => (column < widths.length ? cell.padEnd(widths[column] ?? 0) : cell))
        .join("  ")
        .trimEnd()
    )
    .join("\n")
}

/** Rows as aligned columns under a header; the last column is left ragged. */
export const renderTable = (rows: ReadonlyArray<TableRow>): string =>
  renderColumns(
    headerCells,
    rows.map((row) => [String(row.uid), hotkeyPrefix(row.hotkey), row.status, row.reason])
  )

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
