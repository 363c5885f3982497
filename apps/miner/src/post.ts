import { Effect } from "effect"
import { confirmUnchecked, reportLocalCheck, vetToken } from "./beforeSending.js"
import { callValidators } from "./calls.js"
import { checkThenSend } from "./checkThenSend.js"
import type { MinerOptions } from "./options.js"
import { emitReport, failureDocument, reportingStop } from "./output.js"
import { resolvePat } from "./pat.js"
import { postSurvey } from "./surveys.js"

/**
 * `miner post`: check the PAT locally and report what GitHub says of the token, then hand
 * it to every eligible validator. The `--json` document carries the token report.
 */
export const post = (options: MinerOptions) =>
  checkThenSend(options, postSurvey.defaultTimeoutSeconds, resolvePat(options.pat), ({ preparation, pat, local }) =>
    Effect.gen(function* () {
      const { keypair, selection, timeoutSeconds } = preparation
      yield* reportLocalCheck(local)
      const githubLogin = yield* vetToken(local, false)
      if (githubLogin === null) yield* confirmUnchecked(options)
      const rows = yield* callValidators(
        postSurvey,
        { keypair, validators: selection.eligible, timeoutSeconds },
        { github_access_token: pat }
      )
      yield* emitReport(postSurvey, { rows, skipped: selection.skipped, token: local.token }, options.json)
    })
  ).pipe(reportingStop(failureDocument(postSurvey), options.json))
