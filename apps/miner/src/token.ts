import { Clock, Console, Effect } from "effect"
import { warnAboutToken } from "./beforeSending.js"
import { GitHubUnreachable, type MinerError, PatRejectedByGitHub, Unsuccessful } from "./errors.js"
import type { TokenOptions } from "./options.js"
import { stoppedEarly } from "./checkThenSend.js"
import { reportingStop } from "./output.js"
import { resolvePat } from "./pat.js"
import { checkLocally, type LocalVerdict } from "./precheck.js"
import { renderTokenReport, type TokenReport, toTokenDocument, unreadTokenReport } from "./tokenReport.js"

/** The token document of a run that could not ask GitHub at all. */
export const tokenFailureDocument = (message: string): Record<string, unknown> => ({
  ...toTokenDocument(unreadTokenReport(null)),
  error: message
})

/** Why the token is unusable or unread, when it is. */
const problemOf = (verdict: LocalVerdict): PatRejectedByGitHub | GitHubUnreachable | null => {
  switch (verdict._tag) {
    case "Usable":
      return null
    case "Rejected":
      return new PatRejectedByGitHub({ reason: verdict.reason })
    case "Unreachable":
      return new GitHubUnreachable()
  }
}

const printReport = (token: TokenReport, problem: MinerError | null, json: boolean) =>
  Effect.gen(function* () {
    if (json) {
      const document = toTokenDocument(token)
      yield* Console.log(JSON.stringify(problem === null ? document : { ...document, error: problem.message }, null, 2))
    } else {
      yield* Console.log(renderTokenReport(token, yield* Clock.currentTimeMillis))
    }
    yield* warnAboutToken(token)
  })

/**
 * `miner token`: what GitHub's answer says about the PAT (kind, scopes, expiry, rate
 * limit), from the headers of the same two calls validators make. Sends nothing to any
 * validator. Exit 1 when GitHub refuses the token or cannot be reached.
 */
export const token = (options: TokenOptions) =>
  Effect.gen(function* () {
    const pat = yield* resolvePat(options.pat)
    const local = yield* checkLocally(pat, options)
    const problem = problemOf(local.verdict)
    yield* printReport(local.token, problem, options.json)
    if (problem !== null) {
      yield* Console.error(`Error: ${problem.message}`)
      return yield* new Unsuccessful()
    }
  }).pipe(Effect.mapError(stoppedEarly), reportingStop(tokenFailureDocument, options.json))
