import type { Neuron, Pat } from "@gittensor-pat/core"
import { Console, Duration, Effect, Option } from "effect"
import { confirmUnchecked, reportLocalCheck, vetToken } from "./beforeSending.js"
import { callValidators } from "./calls.js"
import { decisions, type EnsureReport, ensureSucceeded, renderEnsureReport, toEnsureDocument } from "./ensureReport.js"
import { GitHubUnreachable, type MinerError, Unsuccessful } from "./errors.js"
import type { EnsureOptions } from "./options.js"
import { reportFailureAs } from "./output.js"
import { resolvePat } from "./pat.js"
import { checkLocally, type LocalCheck } from "./precheck.js"
import { type Preparation, prepare } from "./prepare.js"
import type { Skipped } from "./selection.js"
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
 * the answer was `no_pat` or `invalid_pat` (CONTRACT §9).
 */
const ensureValidators = Effect.fn("miner.ensureValidators")(function* (
  options: EnsureOptions,
  pat: Pat,
  preparation: Preparation,
  githubVouched: boolean
) {
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
    skipped: selection.skipped
  } satisfies EnsureReport
})

/** What a round needs besides the flags: the PAT, and what to do with the local check's token report. */
export interface RoundContext {
  readonly pat: Pat
  readonly whenUnchecked: WhenUnchecked
  readonly onLocalCheck: (local: LocalCheck) => Effect.Effect<void>
}

/**
 * One round of `ensure` once the hotkey and metagraph are read: the local pre-check (its
 * token report goes to `onLocalCheck` before anything is sent), then the validators.
 */
export const ensureRound = Effect.fn("miner.ensureRound")(function* (
  options: EnsureOptions,
  preparation: Preparation,
  context: RoundContext
) {
  const local = yield* checkLocally(context.pat, options)
  yield* context.onLocalCheck(local)
  const login = yield* vetToken(local, options.strict)
  if (login === null && context.whenUnchecked === "stop") return yield* new GitHubUnreachable()
  return yield* ensureValidators(options, context.pat, preparation, login !== null)
})

/** The `--json` document of an `ensure` run that stopped before calling validators. */
export const ensureFailureDocument = (message: string, skipped: ReadonlyArray<Skipped>) =>
  toEnsureDocument({ rows: [], skipped, error: message })

/** Prints the report on stdout (table or JSON); fails with `Unsuccessful` unless it succeeded. */
const emitEnsureReport = (report: EnsureReport, json: boolean): Effect.Effect<void, Unsuccessful> =>
  Console.log(json ? JSON.stringify(toEnsureDocument(report), null, 2) : renderEnsureReport(report)).pipe(
    Effect.zipRight(ensureSucceeded(report) ? Effect.void : Effect.fail(new Unsuccessful()))
  )

/** `miner ensure` once: see `ensureRound`; the token report and warnings go to stderr. */
export const ensure = (options: EnsureOptions) =>
  Effect.gen(function* () {
    const preparation = yield* prepare(options, checkSurvey.defaultTimeoutSeconds)
    const pat = yield* resolvePat(options.pat)
    const report = yield* ensureRound(options, preparation, {
      pat,
      whenUnchecked: "confirm",
      onLocalCheck: reportLocalCheck
    })
    yield* emitEnsureReport(report, options.json)
  }).pipe(Effect.tapError((error: MinerError) => reportFailureAs(ensureFailureDocument, options.json, error)))
