import { Effect } from "effect"
import { confirmUnchecked, reportLocalCheck, vetToken } from "./beforeSending.js"
import { callValidators } from "./calls.js"
import type { MinerOptions } from "./options.js"
import { emitReport, reportFailure } from "./output.js"
import { resolvePat } from "./pat.js"
import { checkLocally } from "./precheck.js"
import { prepare } from "./prepare.js"
import { postSurvey } from "./surveys.js"

/**
 * `miner post`: check the PAT locally and report what GitHub says of the token, then hand
 * it to every eligible validator.
 */
export const post = (options: MinerOptions) =>
  Effect.gen(function* () {
    const { keypair, selection, timeoutSeconds } = yield* prepare(options, postSurvey.defaultTimeoutSeconds)
    const pat = yield* resolvePat(options.pat)
    const local = yield* checkLocally(pat, options)
    yield* reportLocalCheck(local)
    const githubLogin = yield* vetToken(local, false)
    if (githubLogin === null) yield* confirmUnchecked(options)
    const rows = yield* callValidators(
      postSurvey,
      { keypair, validators: selection.eligible, timeoutSeconds },
      { github_access_token: pat }
    )
    yield* emitReport(postSurvey, { rows, skipped: selection.skipped, githubLogin }, options.json)
  }).pipe(Effect.tapError((error) => reportFailure(postSurvey, options.json, error)))
