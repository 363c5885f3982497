import { HttpClient } from "@effect/platform"
import { Deadline, GitHub, type InvalidPatError, Messages, type Pat, type TransientGitHubError } from "@gittensor-pat/core"
import { GitHubHttp } from "@gittensor-pat/http-adapter"
import { Data, Duration, Effect, Either, Match, Redacted, Ref } from "effect"
import { BadUsage } from "./errors.js"
import { defaultGitHubApiUrl, type MinerOptions } from "./options.js"
import { type AnswerHeaders, type TokenReport, tokenReportOf } from "./tokenReport.js"

/** What GitHub itself says about the PAT before anything is sent to validators. */
export type LocalVerdict = Data.TaggedEnum<{
  /** Both questions answered: the token works, as `login`. */
  Usable: { readonly login: string }
  /** GitHub refused it conclusively; `reason` is what a validator would report. */
  Rejected: { readonly reason: string }
  /** No conclusive answer (outage, rate limit, timeout): says nothing about the token. */
  Unreachable: {}
}>
/** Constructors and matchers of `LocalVerdict`. */
export const LocalVerdict = Data.taggedEnum<LocalVerdict>()

/** How long the local check may take in all, retries included. */
export const precheckBudget = Duration.seconds(15)

type Answer<A> = Either.Either<A, TransientGitHubError | InvalidPatError>

/**
 * The validators' order of judgement (docs/outcomes.md, "Broadcasts"): the identity lookup decides first,
 * then the test query; an inconclusive step never makes the token invalid.
 */
const judge = (identity: Answer<unknown>, testQuery: Answer<string>): LocalVerdict =>
  Either.match(identity, {
    onLeft: Match.valueTags({
      TransientGitHubError: () => LocalVerdict.Unreachable(),
      InvalidPatError: (error) => LocalVerdict.Rejected({ reason: error.message })
    }),
    onRight: () =>
      Either.match(testQuery, {
        onLeft: Match.valueTags({
          TransientGitHubError: () => LocalVerdict.Unreachable(),
          InvalidPatError: (error) => LocalVerdict.Rejected({ reason: Messages.testQueryFailed(error.message) })
        }),
        onRight: (login) => LocalVerdict.Usable({ login })
      })
  })

/** Asks GitHub the validators' two questions about `pat`, both at once, within `precheckBudget`. */
export const precheck = Effect.fn("miner.precheck")(function* (pat: Pat) {
  const github = yield* GitHub
  const deadline = yield* Deadline.after(precheckBudget)
  const [identity, testQuery] = yield* Effect.all(
    [
      Effect.either(github.identity(pat, deadline)),
      Effect.either(github.testQuery(pat, deadline))
    ],
    { concurrency: 2 }
  )
  return judge(identity, testQuery)
})

/** The API root from `--github-api-url` / `GITTENSOR_GITHUB_API_URL`; blank means GitHub's. */
export const githubApiUrl = (options: Pick<MinerOptions, "githubApiUrl">): Effect.Effect<string, BadUsage> => {
  const url = options.githubApiUrl.trim() === "" ? defaultGitHubApiUrl : options.githubApiUrl.trim()
  return URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)
    ? Effect.succeed(url)
    : Effect.fail(new BadUsage({ detail: `--github-api-url must be an http(s) URL (got ${url}).` }))
}

/** GitHub's verdict on the PAT here, and what its answer says of the token. */
export interface LocalCheck {
  readonly verdict: LocalVerdict
  readonly token: TokenReport
}

/** Keeps the headers of GitHub's last 200 answer to `GET /user`: where the token report comes from. */
const keepingIdentityHeaders = (client: HttpClient.HttpClient, seen: Ref.Ref<AnswerHeaders | undefined>) =>
  HttpClient.tap(client, (response) =>
    response.status === 200 && new URL(response.request.url).pathname.endsWith("/user")
      ? Ref.set(seen, { ...response.headers })
      : Effect.void
  )

/**
 * Asks GitHub about the PAT on this machine, with the validators' classification, and
 * reads the token report from the headers of the same calls. A person is waiting, so an
 * outage is reported after a couple of retries, not six.
 */
export const checkLocally = Effect.fn("miner.checkLocally")(function* (
  pat: Pat,
  options: Pick<MinerOptions, "githubApiUrl">
) {
  const baseUrl = yield* githubApiUrl(options)
  const seen = yield* Ref.make<AnswerHeaders | undefined>(undefined)
  const client = keepingIdentityHeaders(yield* HttpClient.HttpClient, seen)
  const verdict = yield* precheck(pat).pipe(
    Effect.provide(GitHubHttp.layer({ baseUrl, identityRetries: 2 })),
    Effect.provideService(HttpClient.HttpClient, client)
  )
  const login = verdict._tag === "Usable" ? verdict.login : null
  return { verdict, token: tokenReportOf(yield* Ref.get(seen), login, Redacted.value(pat)) } satisfies LocalCheck
})
