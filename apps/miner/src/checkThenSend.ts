import type { Pat } from "@gittensor-pat/core"
import { Effect } from "effect"
import type { MinerError } from "./errors.js"
import type { MinerOptions } from "./options.js"
import { checkLocally, type LocalCheck } from "./precheck.js"
import { type Preparation, prepare } from "./prepare.js"
import type { TokenReport } from "./tokenReport.js"

/** What a run has once GitHub was asked about the PAT here, before anything is sent. */
export interface Checked {
  readonly preparation: Preparation
  readonly pat: Pat
  readonly local: LocalCheck
}

/** A run that stopped on `error`, with the local check's token report when it had run (else null). */
export interface Stopped {
  readonly error: MinerError
  readonly token: TokenReport | null
}

/** A stop before any local check: there is no token report to show. */
export const stoppedEarly = (error: MinerError): Stopped => ({ error, token: null })

/**
 * Settles what this machine can (flags, hotkey, metagraph, validators), takes the PAT, asks
 * GitHub about it here, then runs `send`. A stop after the local check keeps its token
 * report, so a run refused for its token (`--strict`, a token GitHub refuses) still says
 * what GitHub told of it.
 */
export const checkThenSend = <A, RP, RS>(
  options: MinerOptions,
  defaultTimeoutSeconds: number,
  pat: Effect.Effect<Pat, MinerError, RP>,
  send: (checked: Checked) => Effect.Effect<A, MinerError, RS>
) =>
  Effect.gen(function* () {
    const preparation = yield* prepare(options, defaultTimeoutSeconds)
    const resolved = yield* pat
    return { preparation, pat: resolved, local: yield* checkLocally(resolved, options) } satisfies Checked
  }).pipe(
    Effect.mapError(stoppedEarly),
    Effect.flatMap((checked) =>
      Effect.mapError(send(checked), (error): Stopped => ({ error, token: checked.local.token }))
    )
  )
