import { Console, Effect, Option } from "effect"
import { callValidators } from "./calls.js"
import { BroadcastNotConfirmed, PatRejectedByGitHub } from "./errors.js"
import { Interaction } from "./Interaction.js"
import type { MinerOptions } from "./options.js"
import { emitReport, reportFailure } from "./output.js"
import { resolvePat } from "./pat.js"
import { checkLocally, type LocalVerdict } from "./precheck.js"
import { prepare } from "./prepare.js"
import { postSurvey } from "./surveys.js"

const unreachableNote = "GitHub is unreachable from here, so the PAT could not be checked locally"

/**
 * Settles the local verdict: a rejected PAT stops the run; an unreachable GitHub asks
 * whether to broadcast anyway (`--yes` and `--json` do not ask). The login, when known.
 */
const decide = Effect.fn("miner.decide")(function* (verdict: LocalVerdict, options: MinerOptions) {
  switch (verdict._tag) {
    case "Usable":
      yield* Console.error(`GitHub accepts this PAT (login ${verdict.login}).`)
      return verdict.login
    case "Rejected":
      return yield* new PatRejectedByGitHub({ reason: verdict.reason })
    case "Unreachable": {
      if (options.yes || options.json) {
        yield* Console.error(`${unreachableNote}; broadcasting anyway.`)
        return null
      }
      const answer = yield* (yield* Interaction).confirm(`${unreachableNote}. Broadcast it anyway?`)
      return yield* Option.match(answer, {
        onNone: () => Effect.fail(new BroadcastNotConfirmed({ interactive: false })),
        onSome: (yes) => (yes ? Effect.succeed(null) : Effect.fail(new BroadcastNotConfirmed({ interactive: true })))
      })
    }
  }
})

/** `miner post`: check the PAT locally, then hand it to every eligible validator. */
export const post = (options: MinerOptions) =>
  Effect.gen(function* () {
    const { keypair, selection, timeoutSeconds } = yield* prepare(options, postSurvey.defaultTimeoutSeconds)
    const pat = yield* resolvePat(options.pat)
    const githubLogin = yield* decide(yield* checkLocally(pat, options), options)
    const rows = yield* callValidators(
      postSurvey,
      { keypair, validators: selection.eligible, timeoutSeconds },
      { github_access_token: pat }
    )
    yield* emitReport(postSurvey, { rows, skipped: selection.skipped, githubLogin }, options.json)
  }).pipe(Effect.tapError((error) => reportFailure(postSurvey, options.json, error)))
