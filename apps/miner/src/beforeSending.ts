import { Clock, Console, Effect, Option } from "effect"
import { BroadcastNotConfirmed, PatRejectedByGitHub, TokenCanWrite } from "./errors.js"
import { Interaction } from "./Interaction.js"
import type { MinerOptions } from "./options.js"
import type { LocalCheck } from "./precheck.js"
import { readOnlyAdvice } from "./scopes.js"
import { describeToken, type TokenReport, tokenWarnings } from "./tokenReport.js"

/** The token report's warnings, one line each, on stderr. */
export const warnAboutToken = (token: TokenReport) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.forEach(tokenWarnings(token, now), (warning) => Console.error(warning), { discard: true })
  )

/**
 * What GitHub said here, on stderr (stdout is the command's report): whether it accepts
 * the PAT, the token report, its warnings.
 */
export const reportLocalCheck = (local: LocalCheck): Effect.Effect<void> =>
  Effect.gen(function* () {
    if (local.verdict._tag === "Usable") yield* Console.error(`GitHub accepts this PAT (login ${local.verdict.login}).`)
    yield* Console.error(describeToken(local.token, yield* Clock.currentTimeMillis))
    yield* warnAboutToken(local.token)
  })

/**
 * What must hold before the PAT leaves this machine: GitHub has not refused it, and under
 * `--strict` it cannot write. The login when GitHub accepted it; null when GitHub could
 * not be asked (see `confirmUnchecked`).
 */
export const vetToken = Effect.fn("miner.vetToken")(function* (local: LocalCheck, strict: boolean) {
  const { verdict, token } = local
  if (verdict._tag === "Rejected") return yield* new PatRejectedByGitHub({ reason: verdict.reason })
  if (strict && token.writingScopes.length > 0) {
    return yield* new TokenCanWrite({ scopes: token.writingScopes, advice: readOnlyAdvice })
  }
  return verdict._tag === "Usable" ? verdict.login : null
})

const unreachableNote = "GitHub is unreachable from here, so the PAT could not be checked locally"

/**
 * GitHub could not vouch for the PAT here: broadcast only if the person agrees. `--yes`
 * agrees in advance; with `--json` nobody is there to ask, so it goes ahead too.
 */
export const confirmUnchecked = Effect.fn("miner.confirmUnchecked")(function* (
  options: Pick<MinerOptions, "yes" | "json">
) {
  if (options.yes || options.json) {
    yield* Console.error(`${unreachableNote}; broadcasting anyway.`)
    return
  }
  const answer = yield* (yield* Interaction).confirm(`${unreachableNote}. Broadcast it anyway?`)
  if (Option.isNone(answer)) return yield* new BroadcastNotConfirmed({ interactive: false })
  if (!answer.value) return yield* new BroadcastNotConfirmed({ interactive: true })
})
