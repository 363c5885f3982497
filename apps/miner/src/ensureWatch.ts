import { Clock, Console, Duration, Effect, Either, Option, Ref } from "effect"
import { reportLocalCheck, warnAboutToken } from "./beforeSending.js"
import { ensureFailureDocument, ensureRound } from "./ensure.js"
import { type EnsureReport, ensureSummary, rejections, toEnsureDocument } from "./ensureReport.js"
import { checkThenSend, type Stopped, stoppedEarly } from "./checkThenSend.js"
import { BadUsage, type MinerError } from "./errors.js"
import type { EnsureOptions } from "./options.js"
import { reportingStop, stopDocument } from "./output.js"
import { resolvePat } from "./pat.js"
import type { LocalCheck } from "./precheck.js"
import * as Progress from "./Progress.js"
import { checkSurvey } from "./surveys.js"
import { timestamp, watch } from "./watch.js"
import { parseWatchDuration } from "./watchDuration.js"

/** A watched round: its report, or why it stopped early (a later round may do better). */
type RoundResult = Either.Either<EnsureReport, Stopped>

/** Token warnings repeat at most this often in a watch. */
export const warningInterval = Duration.days(1)

/** Failures no later round can fix: they end the watch. */
const endsTheWatch = (error: MinerError): boolean => error._tag === "BadUsage" || error._tag === "PatMissing"

const isOutage = (result: RoundResult): boolean => Either.isLeft(result) && result.left.error._tag === "GitHubUnreachable"

const whatHappened = (result: RoundResult): string =>
  Either.match(result, {
    onRight: (report) => {
      const rejected = rejections(report)
      return `${ensureSummary(report)}${rejected.length === 0 ? "" : ` [${rejected.join("; ")}]`}`
    },
    onLeft: ({ error }) =>
      error._tag === "GitHubUnreachable"
        ? "GitHub is unreachable from here, so the PAT was not checked and no validator was called"
        : `stopped: ${error.message}`
  })

const whatNext = (result: RoundResult, next: Option.Option<Duration.Duration>): string =>
  Option.match(next, {
    onNone: () => "; stopping",
    // Whole seconds: the jitter's milliseconds tell a person nothing.
    onSome: (wait) =>
      `; next ${isOutage(result) ? "try" : "round"} in ${Duration.format(Duration.seconds(Math.max(1, Math.round(Duration.toSeconds(wait)))))}`
  })

/** One line per round on stderr; with `--json`, the round's document as one line on stdout. */
const reportRound = (json: boolean) => (n: number, result: RoundResult, next: Option.Option<Duration.Duration>) =>
  Effect.gen(function* () {
    yield* Console.error(`${yield* timestamp} round ${n}: ${whatHappened(result)}${whatNext(result, next)}`)
    if (json) {
      const document = Either.match(result, {
        onRight: toEnsureDocument,
        onLeft: (stopped) => stopDocument(ensureFailureDocument, stopped)
      })
      yield* Console.log(JSON.stringify(document))
    }
  })

/**
 * A watch's `onLocalCheck`: the token report in full the first time GitHub answers, then its warnings (expiry,
 * scopes) at most once per `warningInterval`: a watch runs for weeks.
 */
export const tokenReporter = Effect.map(Ref.make(Option.none<number>()), (shownAt) => (local: LocalCheck) =>
  Effect.gen(function* () {
    if (local.token.kind === "unknown") return
    const now = yield* Clock.currentTimeMillis
    const last = yield* Ref.get(shownAt)
    if (Option.isSome(last) && now - last.value < Duration.toMillis(warningInterval)) return
    yield* Option.isNone(last) ? reportLocalCheck(local) : warnAboutToken(local.token)
    yield* Ref.set(shownAt, Option.some(now))
  })
)

/**
 * `miner ensure --watch DURATION`: an `ensure` round every DURATION (±10 %), the hotkey and
 * metagraph read afresh each time, until SIGINT/SIGTERM (see `watch`). A round that fails
 * says why and the watch goes on, backing off while GitHub is unreachable from here.
 */
export const ensureWatch = (options: EnsureOptions, period: string) =>
  Effect.gen(function* () {
    const every = yield* Either.match(parseWatchDuration(period), {
      onLeft: (detail) => Effect.fail(new BadUsage({ detail })),
      onRight: Effect.succeed
    })
    const pat = yield* resolvePat(options.pat)
    const onLocalCheck = yield* tokenReporter
    const round = (_: number) =>
      checkThenSend(options, checkSurvey.defaultTimeoutSeconds, Effect.succeed(pat), (checked) =>
        ensureRound(options, checked, { whenUnchecked: "stop", onLocalCheck })
      ).pipe(
        Effect.either,
        Effect.flatMap(
          // Both such failures come before the local check: there is no token report to lose.
          (result): Effect.Effect<RoundResult, MinerError> =>
            Either.isLeft(result) && endsTheWatch(result.left.error) ? Effect.fail(result.left.error) : Effect.succeed(result)
        ),
        Effect.provideService(Progress.Progress, Progress.silent)
      )
    yield* watch({ every, round, githubUnreachable: isOutage, report: reportRound(options.json) })
  }).pipe(Effect.mapError(stoppedEarly), reportingStop(ensureFailureDocument, options.json))
