import type { Neuron } from "@gittensor-pat/core"
import { Console, Duration, Effect, Option } from "effect"
import { confirmUnchecked, reportLocalCheck, vetToken } from "./beforeSending.js"
import { callValidators } from "./calls.js"
import { decisions, type EnsureReport, ensureSucceeded, renderEnsureReport, toEnsureDocument } from "./ensureReport.js"
import { type Checked, checkThenSend } from "./checkThenSend.js"
import { GitHubUnreachable, Unsuccessful } from "./errors.js"
import type { EnsureOptions } from "./options.js"
import { type FailureDocument, reportingStop } from "./output.js"
import { resolvePat } from "./pat.js"
import type { LocalCheck } from "./precheck.js"
import type { Preparation } from "./prepare.js"
import { checkSurvey, postSurvey } from "./surveys.js"

/** A validator that gave no answer is asked again after this: time for a restarting one to come back. */
export const askAgainAfter = Duration.seconds(1)

/** What a round does when GitHub could not vouch for the PAT here. */
export type WhenUnchecked =
  /** Ask before posting (`--yes` and `--json` agree in advance), as `post` does. */
  | "confirm"
  /** Stop the round before any call: a watch backs off and tries again. */
  | "stop"

const neuronsOf = (preparation: Preparation, rows: ReadonlyArray<{ readonly uid: number }>): ReadonlyArray<Neuron> =>
  preparation.selection.eligible.filter((neuron) => rows.some((row) => row.uid === neuron.uid))

/**
 * Checks every eligible validator, asks the silent ones once more, then posts only where
 * the answer was `no_pat` or `invalid_pat` (docs/miner.md, "ensure").
 */
const ensureValidators = Effect.fn("miner.ensureValidators")(function* (
  options: EnsureOptions,
  checked: Checked,
  githubVouched: boolean
) {
  const { preparation, pat, local } = checked
  const { keypair, selection, timeoutSeconds } = preparation
  const checkPlan = { keypair, validators: selection.eligible, timeoutSeconds }
  const first = yield* callValidators(checkSurvey, checkPlan, {})
  const silent = first.filter((row) => decisions[row.category] === "ask-again")
  const again =
    silent.length === 0
      ? []
      : yield* callValidators(
          checkSurvey,
          { ...checkPlan, validators: neuronsOf(preparation, silent) },
          {},
          "Asking again the validators that did not answer"
        ).pipe(Effect.delay(askAgainAfter))
  const checks = first.map((row) => again.find((retry) => retry.uid === row.uid) ?? row)
  const needing = checks.filter((row) => decisions[row.category] === "post")
  if (needing.length > 0 && !githubVouched) {
    // Under --strict a token is sent only when GitHub has shown that it cannot write.
    yield* options.strict ? Effect.fail(new GitHubUnreachable()) : confirmUnchecked(options)
  }
  const broadcasts =
    needing.length === 0
      ? []
      : yield* callValidators(
          postSurvey,
          {
            keypair,
            validators: neuronsOf(preparation, needing),
            // A broadcast waits on GitHub twice at the validator: give it post's time unless told otherwise.
            timeoutSeconds: Option.isSome(options.timeout) ? timeoutSeconds : postSurvey.defaultTimeoutSeconds
          },
          { github_access_token: pat }
        )
  return {
    rows: checks.map((check) => ({
      uid: check.uid,
      hotkey: check.hotkey,
      check,
      askedAgain: silent.some((row) => row.uid === check.uid),
      broadcast: broadcasts.find((row) => row.uid === check.uid) ?? null
    })),
    skipped: selection.skipped,
    token: local.token
  } satisfies EnsureReport
})

/** What a round does besides its flags: what to do when GitHub could not vouch, and with the token report. */
export interface RoundContext {
  readonly whenUnchecked: WhenUnchecked
  readonly onLocalCheck: (local: LocalCheck) => Effect.Effect<void>
}

/**
 * One round of `ensure` once the hotkey and metagraph are read and GitHub was asked about
 * the PAT here (see `checkThenSend`): the token report goes to `onLocalCheck` before
 * anything is sent, then the validators.
 */
export const ensureRound = Effect.fn("miner.ensureRound")(function* (
  options: EnsureOptions,
  checked: Checked,
  context: RoundContext
) {
  yield* context.onLocalCheck(checked.local)
  const login = yield* vetToken(checked.local, options.strict)
  if (login === null && context.whenUnchecked === "stop") return yield* new GitHubUnreachable()
  return yield* ensureValidators(options, checked, login !== null)
})

/** The `--json` document of an `ensure` run that stopped before its report. */
export const ensureFailureDocument: FailureDocument = (message, skipped, token) =>
  toEnsureDocument({ rows: [], skipped, token, error: message })

/** Prints the report on stdout (table or JSON); fails with `Unsuccessful` unless it succeeded. */
const emitEnsureReport = (report: EnsureReport, json: boolean): Effect.Effect<void, Unsuccessful> =>
  Console.log(json ? JSON.stringify(toEnsureDocument(report), null, 2) : renderEnsureReport(report)).pipe(
    Effect.zipRight(ensureSucceeded(report) ? Effect.void : Effect.fail(new Unsuccessful()))
  )

/** `miner ensure` once: see `ensureRound`; the token report and warnings go to stderr. */
export const ensure = (options: EnsureOptions) =>
  checkThenSend(options, checkSurvey.defaultTimeoutSeconds, resolvePat(options.pat), (checked) =>
    ensureRound(options, checked, { whenUnchecked: "confirm", onLocalCheck: reportLocalCheck }).pipe(
      Effect.flatMap((report) => emitEnsureReport(report, options.json))
    )
  ).pipe(reportingStop(ensureFailureDocument, options.json))
