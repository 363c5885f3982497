import type { SynapseName } from "@gittensor-pat/axon"
import type { Hotkey, Uid } from "@gittensor-pat/core"
import { countCategories } from "./categories.js"
import type { Skipped } from "./selection.js"
import type { Survey } from "./surveys.js"
import { renderSkipped, renderTable } from "./table.js"
import { type TokenReport, tokenKeyOf } from "./tokenReport.js"

/** One validator's answer, filed. `error` says why there was no answer. */
export interface ResultRow<F, C> {
  readonly uid: Uid
  readonly hotkey: Hotkey
  readonly answer: F
  readonly category: C
  readonly error: string | null
}

/** Everything one run of `post` or `check` found out. */
export interface Report<F, C> {
  readonly rows: ReadonlyArray<ResultRow<F, C>>
  readonly skipped: ReadonlyArray<Skipped>
  /**
   * What the local check said of the token (`post` only; null when the run stopped before
   * it). Its login, when GitHub accepted the PAT, is the document's `github_login`.
   */
  readonly token: TokenReport | null
  /** Why the run stopped early, when it did. */
  readonly error?: string
}

/** How many validators fell in each of the survey's categories (all present, 0 included). */
export const countsOf = <F, C extends string, N extends SynapseName>(
  survey: Survey<F, C, N>,
  report: Report<F, C>
): Record<C, number> =>
  countCategories(
    survey.categories,
    report.rows.map((row) => row.category)
  )

/** True when at least one validator reached the survey's success category. */
export const succeeded = <F, C extends string, N extends SynapseName>(survey: Survey<F, C, N>, report: Report<F, C>): boolean =>
  report.rows.some((row) => row.category === survey.success)

/**
 * The `--json` document (docs/miner.md, "`--json` documents"); `post`'s also carries `token`, the token report
 * (as `miner token --json` prints it), after `results`.
 */
export const toDocument = <F, C extends string, N extends SynapseName>(
  survey: Survey<F, C, N>,
  report: Report<F, C>
): Record<string, unknown> => ({
  success: succeeded(survey, report),
  ...(survey.command === "post" ? { github_login: report.token?.login ?? null } : {}),
  total_validators: report.rows.length,
  ...countsOf(survey, report),
  skipped: report.skipped.map(({ uid, hotkey, reason }) => ({ uid, hotkey, reason })),
  results: report.rows.map((row) => ({
    uid: row.uid,
    hotkey: row.hotkey,
    ...row.answer,
    category: row.category,
    error: row.error
  })),
  ...(survey.command === "post" ? { token: tokenKeyOf(report.token) } : {}),
  ...(report.error === undefined ? {} : { error: report.error })
})

/** The table, the skipped neurons and the summary line, for people. */
export const renderReport = <F extends { readonly rejection_reason: string | null }, C extends string, N extends SynapseName>(survey: Survey<F, C, N>, report: Report<F, C>): string =>
  [
    renderTable(
      report.rows.map((row) => ({
        uid: row.uid,
        hotkey: row.hotkey,
        status: row.category,
        reason: row.answer.rejection_reason ?? row.error ?? ""
      }))
    ),
    renderSkipped(report.skipped),
    survey.summary(countsOf(survey, report), report.rows.length)
  ]
    .filter((block) => block !== "")
    .join("\n\n")
