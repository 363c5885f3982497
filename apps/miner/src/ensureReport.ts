import type { Hotkey, Uid } from "@gittensor-pat/core"
import type { BroadcastCategory, CheckCategory } from "./categories.js"
import type { ResultRow } from "./report.js"
import type { Skipped } from "./selection.js"
import type { CheckAnswer, PostAnswer } from "./surveys.js"
import { hotkeyPrefix, renderColumns, renderSkipped } from "./table.js"
import { type TokenReport, tokenKeyOf } from "./tokenReport.js"

/** What `ensure` did about one validator (docs/miner.md, "ensure"). */
export type EnsureAction = "kept" | "posted" | "waiting" | "unreachable"

/** Every action, in the order the report counts them. */
export const EnsureActions: ReadonlyArray<EnsureAction> = ["kept", "posted", "waiting", "unreachable"]

/** What a check answer calls for. `ask-again` is for a validator that gave no answer yet. */
export type Decision = "keep" | "post" | "wait" | "ask-again"

/**
 * The rule of `ensure`: post only where no working PAT is held; never where GitHub was
 * unavailable to the validator (the PAT may be fine: posting would only rotate a working
 * token during an outage); ask once more where no answer came. A record, so a new check
 * category fails to compile until it is decided here.
 */
export const decisions: Readonly<Record<CheckCategory, Decision>> = {
  valid: "keep",
  no_pat: "post",
  invalid_pat: "post",
  inconclusive: "wait",
  no_response: "ask-again"
}

/** One validator: the answer acted on (the second, when it was asked again) and the broadcast, if any. */
export interface EnsureRow {
  readonly uid: Uid
  readonly hotkey: Hotkey
  readonly check: ResultRow<CheckAnswer, CheckCategory>
  readonly askedAgain: boolean
  readonly broadcast: ResultRow<PostAnswer, BroadcastCategory> | null
}

/** Everything one round of `ensure` found and did. */
export interface EnsureReport {
  readonly rows: ReadonlyArray<EnsureRow>
  readonly skipped: ReadonlyArray<Skipped>
  /** What the local check said of the token; null when the round stopped before it. */
  readonly token: TokenReport | null
  /** Why the round stopped before its calls, when it did. */
  readonly error?: string
}

/** The action a row ended with; a validator still silent after the second ask is unreachable. */
export const actionOf = (row: EnsureRow): EnsureAction => {
  if (row.broadcast !== null) return "posted"
  switch (decisions[row.check.category]) {
    case "keep":
      return "kept"
    case "wait":
      return "waiting"
    case "ask-again":
    case "post":
      // `post` without a broadcast cannot happen: `ensure` posts to every such row.
      return "unreachable"
  }
}

/** Whether the validator holds a working PAT now: it already did, or it just accepted one. */
export const holdsValidPat = (row: EnsureRow): boolean =>
  row.check.category === "valid" || row.broadcast?.category === "accepted"

const answered = (row: EnsureRow): boolean => actionOf(row) !== "unreachable"

/**
 * docs/miner.md, "ensure": every validator that answered holds a valid PAT at the end. At least one must
 * have answered: a round in which none did has shown nothing.
 */
export const ensureSucceeded = (report: EnsureReport): boolean =>
  report.rows.some(answered) && report.rows.every((row) => !answered(row) || holdsValidPat(row))

/** How many rows ended with each action (all present, 0 included). */
export const countActions = (rows: ReadonlyArray<EnsureRow>): Record<EnsureAction, number> => {
  const counts: Record<EnsureAction, number> = { kept: 0, posted: 0, waiting: 0, unreachable: 0 }
  for (const row of rows) counts[actionOf(row)] += 1
  return counts
}

/**
 * The `--json` document for `ensure` (docs/miner.md, "`--json` documents"), one per round with `--watch`; `token`,
 * after `results`, is the token report as `miner token --json` prints it.
 */
export const toEnsureDocument = (report: EnsureReport): Record<string, unknown> => ({
  success: report.error === undefined && ensureSucceeded(report),
  total_validators: report.rows.length,
  ...countActions(report.rows),
  skipped: report.skipped.map(({ uid, hotkey, reason }) => ({ uid, hotkey, reason })),
  results: report.rows.map((row) => ({
    uid: row.uid,
    hotkey: row.hotkey,
    found: row.check.category,
    action: actionOf(row),
    ...(row.broadcast === null
      ? {}
      : { accepted: row.broadcast.answer.accepted, rejection_reason: row.broadcast.answer.rejection_reason }),
    error: row.broadcast?.error ?? (actionOf(row) === "unreachable" ? row.check.error : null)
  })),
  token: tokenKeyOf(report.token),
  ...(report.error === undefined ? {} : { error: report.error })
})

const actionCell = (row: EnsureRow): string => {
  const action = actionOf(row)
  switch (action) {
    case "posted":
      return `posted: ${row.broadcast?.category === "no_response" ? "no answer" : row.broadcast?.category}`
    case "waiting":
      return "waiting: inconclusive"
    case "kept":
    case "unreachable":
      return action
  }
}

const reasonCell = (row: EnsureRow): string => {
  if (row.broadcast !== null) return row.broadcast.answer.rejection_reason ?? row.broadcast.error ?? ""
  switch (actionOf(row)) {
    case "kept":
      return ""
    case "waiting":
      return row.check.answer.rejection_reason ?? ""
    case "posted":
    case "unreachable":
      return `${row.check.error ?? "no answer"}${row.askedAgain ? ", asked twice" : ""}`
  }
}

const uidsOf = (rows: ReadonlyArray<EnsureRow>): string =>
  `uid${rows.length === 1 ? "" : "s"} ${rows.map((row) => row.uid).join(", ")}`

const clause = (rows: ReadonlyArray<EnsureRow>, text: string, why = ""): ReadonlyArray<string> =>
  rows.length === 0 ? [] : [`${rows.length} ${text} (${uidsOf(rows)})${why}`]

const itOrThem = (rows: ReadonlyArray<EnsureRow>) => (rows.length === 1 ? "it" : "them")

/** The summary line: how many hold a valid PAT now, and what was done where. */
export const ensureSummary = (report: EnsureReport): string => {
  const by = (action: EnsureAction) => report.rows.filter((row) => actionOf(row) === action)
  const posted = (category: BroadcastCategory) => by("posted").filter((row) => row.broadcast?.category === category)
  const waiting = by("waiting")
  const unreachable = by("unreachable")
  return [
    `${report.rows.filter(holdsValidPat).length}/${report.rows.length} validators hold a valid PAT`,
    ...(by("kept").length > 0 ? [`${by("kept").length} kept`] : []),
    ...clause(posted("accepted"), "posted: accepted"),
    ...clause(posted("rejected"), "posted: rejected", " — see the reason given"),
    ...clause(posted("no_response"), "posted: no answer to the broadcast", " — the next run checks again"),
    ...clause(waiting, "waiting", ` — GitHub was unavailable to ${itOrThem(waiting)}, so nothing was sent; the next run asks again`),
    ...clause(unreachable, "unreachable", ` — no answer, even when asked again; ${itOrThem(unreachable)} may be down`)
  ].join("; ")
}

/** Each rejected broadcast as `uid 3: <reason>`, for a line that has no table above it. */
export const rejections = (report: EnsureReport): ReadonlyArray<string> =>
  report.rows.flatMap((row) =>
    row.broadcast?.category === "rejected" ? [`uid ${row.uid}: ${row.broadcast.answer.rejection_reason ?? "no reason given"}`] : []
  )

const header: ReadonlyArray<string> = ["UID", "HOTKEY", "FOUND", "ACTION", "REASON"]

/** The table (what each validator had and what was done), the skipped neurons, the summary. */
export const renderEnsureReport = (report: EnsureReport): string =>
  [
    renderColumns(
      header,
      report.rows.map((row) => [String(row.uid), hotkeyPrefix(row.hotkey), row.check.category, actionCell(row), reasonCell(row)])
    ),
    renderSkipped(report.skipped),
    ensureSummary(report)
  ]
    .filter((block) => block !== "")
    .join("\n\n")
