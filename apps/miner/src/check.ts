import { Console, Effect, Option } from "effect"
import { callValidators } from "./calls.js"
import type { CheckCategory } from "./categories.js"
import type { MinerOptions } from "./options.js"
import { stoppedEarly } from "./checkThenSend.js"
import { emitReport, failureDocument, reportingStop } from "./output.js"
import { checkLocally, LocalVerdict } from "./precheck.js"
import { prepare } from "./prepare.js"
import { checkSurvey } from "./surveys.js"

/**
 * What GitHub says of the PAT here, when one was given and validators lack it or call it
 * invalid: a token GitHub accepts needs posting again; one it refuses needs replacing.
 * An unreachable GitHub adds nothing.
 */
const localNote = (options: MinerOptions, rows: ReadonlyArray<{ readonly category: CheckCategory }>) => {
  const unexplained = rows.some((row) => row.category === "no_pat" || row.category === "invalid_pat")
  return Option.match(Option.filter(options.pat, () => unexplained), {
    onNone: () => Effect.succeedNone,
    onSome: (pat) =>
      checkLocally(pat, options).pipe(
        Effect.map(({ verdict }) => verdict),
        Effect.map(
          LocalVerdict.$match({
            Usable: ({ login }): Option.Option<string> =>
              Option.some(
                `GitHub accepts this PAT here (login ${login}): validators reporting no_pat or invalid_pat hold another token or none; run \`pnpm miner post\`.`
              ),
            Rejected: ({ reason }) =>
              Option.some(`GitHub refuses this PAT here too (${reason}): create a new token and post it.`),
            Unreachable: () => Option.none()
          })
        ),
        Effect.catchAll((error) => Effect.succeed(Option.some(error.message)))
      )
  })
}

/**
 * `miner check`: ask every eligible validator whether it holds a working PAT for this
 * hotkey. With a PAT at hand, GitHub's own verdict on it follows when it explains the
 * answers (stderr).
 */
export const check = (options: MinerOptions) =>
  Effect.gen(function* () {
    const { keypair, selection, timeoutSeconds } = yield* prepare(options, checkSurvey.defaultTimeoutSeconds)
    const rows = yield* callValidators(checkSurvey, { keypair, validators: selection.eligible, timeoutSeconds }, {})
    yield* Effect.flatMap(localNote(options, rows), Option.match({ onNone: () => Effect.void, onSome: Console.error }))
    yield* emitReport(checkSurvey, { rows, skipped: selection.skipped, token: null }, options.json)
  }).pipe(Effect.mapError(stoppedEarly), reportingStop(failureDocument(checkSurvey), options.json))
