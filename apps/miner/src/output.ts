import type { SynapseName } from "@gittensor-pat/axon"
import { Console, Effect } from "effect"
import { type MinerError, Unsuccessful } from "./errors.js"
import { type Report, renderReport, succeeded, toDocument } from "./report.js"
import type { Stopped } from "./checkThenSend.js"
import type { Skipped } from "./selection.js"
import type { Survey } from "./surveys.js"
import { renderSkipped } from "./table.js"
import type { TokenReport } from "./tokenReport.js"

type Reportable = { readonly rejection_reason: string | null }

/**
 * Prints the report on stdout, as one JSON document or as the table; fails with
 * `Unsuccessful` (exit 1) when no validator accepted / holds a valid PAT.
 */
export const emitReport = <F extends Reportable, C extends string, N extends SynapseName>(
  survey: Survey<F, C, N>,
  report: Report<F, C>,
  json: boolean
): Effect.Effect<void, Unsuccessful> =>
  Console.log(json ? JSON.stringify(toDocument(survey, report), null, 2) : renderReport(survey, report)).pipe(
    Effect.zipRight(succeeded(survey, report) ? Effect.void : Effect.fail(new Unsuccessful()))
  )

/** A command's `--json` document for a run that stopped (with the token report when its local check ran). */
export type FailureDocument = (
  message: string,
  skipped: ReadonlyArray<Skipped>,
  token: TokenReport | null
) => Record<string, unknown>

/** `post`'s or `check`'s `--json` document for a run that stopped before any validator was called. */
export const failureDocument =
  <F, C extends string, N extends SynapseName>(survey: Survey<F, C, N>): FailureDocument =>
  (message, skipped, token) =>
    toDocument(survey, { rows: [], skipped, token, error: message })

/** `document` for the run that stopped: its error's message, the neurons it left out, its token report. */
export const stopDocument = (document: FailureDocument, stopped: Stopped): Record<string, unknown> =>
  document(stopped.error.message, skippedOf(stopped.error), stopped.token)

/**
 * Tells the user why the run stopped: the message on stderr, and in `--json` mode also
 * the command's document (empty results, the error) on stdout, so stdout is always JSON.
 * `Unsuccessful` was already reported in full.
 */
const reportFailure = (document: FailureDocument, json: boolean, stopped: Stopped): Effect.Effect<void> => {
  const { error } = stopped
  if (error._tag === "Unsuccessful") {
    return Effect.void
  }
  return Effect.all([
    Console.error([`Error: ${error.message}`, renderSkipped(skippedOf(error))].filter((t) => t !== "").join("\n")),
    json ? Console.log(JSON.stringify(stopDocument(document, stopped), null, 2)) : Effect.void
  ])
}

/**
 * Reports a run that stopped (see `reportFailure`), then fails with its error, whose
 * tag sets the exit code.
 */
export const reportingStop =
  (document: FailureDocument, json: boolean) =>
  <A, R>(run: Effect.Effect<A, Stopped, R>): Effect.Effect<A, MinerError, R> =>
    run.pipe(
      Effect.tapError((stopped) => reportFailure(document, json, stopped)),
      Effect.mapError((stopped) => stopped.error)
    )

/** The neurons a failure left out, when it is about them. */
export const skippedOf = (error: MinerError): ReadonlyArray<Skipped> =>
  error._tag === "NoEligibleValidators" ? error.skipped : []
