import type { SynapseName } from "@gittensor-pat/axon"
import { Console, Effect } from "effect"
import { type MinerError, Unsuccessful } from "./errors.js"
import { type Report, renderReport, succeeded, toDocument } from "./report.js"
import type { Skipped } from "./selection.js"
import type { Survey } from "./surveys.js"
import { renderSkipped } from "./table.js"

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

/** The command's `--json` document for a run that stopped before any validator was called. */
export const failureDocument = <F, C extends string, N extends SynapseName>(
  survey: Survey<F, C, N>,
  message: string,
  skipped: Report<F, C>["skipped"] = []
): Record<string, unknown> => toDocument(survey, { rows: [], skipped, githubLogin: null, error: message })

/**
 * Tells the user why the run stopped: the message on stderr, and in `--json` mode also
 * the command's document (empty results, the error) on stdout, so stdout is always JSON.
 * `Unsuccessful` was already reported in full.
 */
export const reportFailure = <F extends Reportable, C extends string, N extends SynapseName>(
  survey: Survey<F, C, N>,
  json: boolean,
  error: MinerError
): Effect.Effect<void> => reportFailureAs((message, skipped) => failureDocument(survey, message, skipped), json, error)

/** `reportFailure` for any command: `document` is its `--json` document for a run that stopped. */
export const reportFailureAs = (
  document: (message: string, skipped: ReadonlyArray<Skipped>) => Record<string, unknown>,
  json: boolean,
  error: MinerError
): Effect.Effect<void> => {
  if (error._tag === "Unsuccessful") {
    return Effect.void
  }
  const skipped = skippedOf(error)
  return Effect.all([
    Console.error([`Error: ${error.message}`, renderSkipped(skipped)].filter((t) => t !== "").join("\n")),
    json ? Console.log(JSON.stringify(document(error.message, skipped), null, 2)) : Effect.void
  ])
}

/** The neurons a failure left out, when it is about them. */
export const skippedOf = (error: MinerError): ReadonlyArray<Skipped> =>
  error._tag === "NoEligibleValidators" ? error.skipped : []
