import { Console, Effect, Option } from "effect"
import { callValidators } from "./calls.js"
import type { MinerOptions } from "./options.js"
import { emitReport, reportFailure } from "./output.js"
import { checkLocally } from "./post.js"
import { prepare } from "./prepare.js"
import { checkSurvey } from "./surveys.js"

/** GitHub's own verdict on the PAT, when one was given; printed once the progress line is gone. */
const localNote = (options: MinerOptions): Effect.Effect<Option.Option<string>> =>
  Option.match(options.pat, {
    onNone: () => Effect.succeedNone,
    onSome: (pat) =>
      checkLocally(pat, options).pipe(
        Effect.map((verdict) =>
          Option.some(
            verdict._tag === "Usable"
              ? `Locally, GitHub accepts this PAT (login ${verdict.login}); a validator that calls it invalid holds another token: post again.`
              : verdict._tag === "Rejected"
                ? `Locally, GitHub rejects this PAT: ${verdict.reason}.`
                : "Locally, GitHub is unreachable; the PAT could not be checked here."
          )
        ),
        Effect.catchAll((error) => Effect.succeed(Option.some(error.message)))
      )
  })

/**
 * `miner check`: ask every eligible validator whether it holds a working PAT for this
 * hotkey. With a PAT at hand, GitHub's own verdict on it is printed alongside (stderr).
 */
export const check = (options: MinerOptions) =>
  Effect.gen(function* () {
    const { keypair, selection, timeoutSeconds } = yield* prepare(options, checkSurvey.defaultTimeoutSeconds)
    const [rows, note] = yield* Effect.all(
      [callValidators(checkSurvey, { keypair, validators: selection.eligible, timeoutSeconds }, {}), localNote(options)],
      { concurrency: 2 }
    )
    yield* Option.match(note, { onNone: () => Effect.void, onSome: Console.error })
    yield* emitReport(checkSurvey, { rows, skipped: selection.skipped, githubLogin: null }, options.json)
  }).pipe(Effect.tapError((error) => reportFailure(checkSurvey, options.json, error)))
