import { type Deadline, GitHub, type GitHubEndpoint, InvalidPatError, Messages, type Pat } from "@gittensor-pat/core"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Clock, Config, Duration, Effect, type Either, Layer, Redacted } from "effect"
import pkg from "../package.json" with { type: "json" }
import { type GitHubAnswer, type GitHubFailure, transient } from "./GitHubAnswer.js"
import { classifyIdentity, identityRefused } from "./identityAnswer.js"
import { retryAfterFailure } from "./retryAfterFailure.js"
import { deadlineMarginMs, type RetryPolicy, retrySchedule } from "./retrySchedule.js"
import { classifyTestQuery, testQueryBody } from "./testQueryAnswer.js"
import * as UndiciHttpClient from "./UndiciHttpClient.js"

/** GitHub's public API, used unless the validator is pointed elsewhere. */
export const defaultBaseUrl = "https://api.github.com"

/** How the adapter talks to GitHub; every field has a production default. */
export interface Options {
  /** API root, without a trailing slash (default `https://api.github.com`). */
  readonly baseUrl?: string
  /** Limit on one HTTP attempt, further capped by the caller's deadline (default 15 s). */
  readonly attemptTimeout?: Duration.DurationInput
  /** Sent as `User-Agent` (default `gittensor-pat/<version>`). */
  readonly userAgent?: string
  /** Identity retries after the first attempt, at most (default 6; the deadline may cut them short). */
  readonly identityRetries?: number
  /** First backoff delay, doubled on each retry up to 2 s (default 100 ms). */
  readonly retryBaseDelay?: Duration.DurationInput
  /** Bytes of an answer's body read at most (default 1 MiB). */
  readonly maxBodyBytes?: number
}

// The same bytes for every test query: encoded once.
const testQueryBytes = new TextEncoder().encode(testQueryBody)

/** Characters a header value can carry; a token with others can never authenticate. */
const headerSafe = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * Refuses, without calling GitHub, a token GitHub would refuse: an empty one (docs/outcomes.md, "The identity lookup")
 * or one that cannot even be put in a header (sending it would fail as a transport error
 * and be mistaken for an outage). Reports it as GitHub's own 401 would read.
 */
const usableToken = (
  pat: Pat,
  endpoint: GitHubEndpoint,
  refusal: (status: number) => string
): Effect.Effect<string, InvalidPatError> => {
  const token = Redacted.value(pat)
  if (token.trim() === "") {
    return Effect.fail(new InvalidPatError({ endpoint, reason: "empty", message: refusal(401) }))
  }
  if (!headerSafe.test(token)) {
    return Effect.fail(new InvalidPatError({ endpoint, reason: "unauthorized", message: refusal(401) }))
  }
  return Effect.succeed(token)
}

/** One GitHub endpoint: its request for a token, how its answer is judged, and its retries. */
interface Endpoint<A> {
  readonly name: GitHubEndpoint
  readonly refusal: (status: number) => string
  readonly request: (token: string) => HttpClientRequest.HttpClientRequest
  /** Judges an answer; `token` is masked in any text of GitHub's the verdict carries. */
  readonly classify: (answer: GitHubAnswer, token: string) => Either.Either<A, GitHubFailure>
  readonly retries: Omit<RetryPolicy, "endpoint">
}

/**
 * The port over an `HttpClient` that honours `UndiciHttpClient.currentRequestTimeout` (the
 * adapter's own client does): the requests, retries and verdicts of docs/outcomes.md. Each attempt
 * gets what the deadline leaves (less a margin), capped by the attempt timeout; a call
 * carries no span (even with the tracer off one costs a stack capture per call).
 */
const makeOver = (client: HttpClient.HttpClient, options: Options): GitHub["Type"] => {
  const attemptTimeoutMs = Duration.toMillis(options.attemptTimeout ?? Duration.seconds(15))
  const backoff = {
    baseDelay: Duration.decode(options.retryBaseDelay ?? Duration.millis(100)),
    maxDelay: Duration.seconds(2)
  }

  const attempt = <A>(endpoint: Endpoint<A>, token: string, deadline: Deadline.Deadline) =>
    Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<A, GitHubFailure> => {
      const left = deadline - deadlineMarginMs - now
      if (left <= 0) return Effect.fail(transient(endpoint.name, "deadline"))
      const [millis, cause] = left < attemptTimeoutMs ? [left, "deadline" as const] : [attemptTimeoutMs, "timeout" as const]
      return client.execute(endpoint.request(token)).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (body): GitHubAnswer => ({ status: response.status, headers: response.headers, body }))
        ),
        UndiciHttpClient.withTimeout(millis),
        Effect.mapError((error) => transient(endpoint.name, UndiciHttpClient.isTimeout(error) ? cause : "transport")),
        Effect.flatMap((answer) => endpoint.classify(answer, token))
      )
    })

  const call =
    <A>(endpoint: Endpoint<A>) =>
    (pat: Pat, deadline: Deadline.Deadline): Effect.Effect<A, GitHubFailure> =>
      Effect.flatMap(usableToken(pat, endpoint.name, endpoint.refusal), (token) =>
        retryAfterFailure(attempt(endpoint, token, deadline), () =>
          retrySchedule({ ...endpoint.retries, endpoint: endpoint.name }, deadline)
        )
      )

  return GitHub.of({
    identity: call({
      name: "identity",
      refusal: identityRefused,
      request: (token) =>
        HttpClientRequest.get("/user", {
          headers: { authorization: `token ${token}`, accept: "application/vnd.github.v3+json" }
        }),
      classify: classifyIdentity,
      retries: { ...backoff, retries: options.identityRetries ?? 6, retryWhen: () => true }
    }),
    testQuery: call({
      name: "test-query",
      refusal: Messages.graphqlStatus,
      request: (token) =>
        HttpClientRequest.post("/graphql", {
          headers: { authorization: `Bearer ${token}`, accept: "application/json" }
        }).pipe(HttpClientRequest.bodyUint8Array(testQueryBytes, "application/json")),
      classify: classifyTestQuery,
      // The user-visible probe: one retry, and only when no answer arrived at all.
      retries: { ...backoff, retries: 1, retryWhen: (error) => error.cause === "transport" }
    })
  })
}

const baseUrlOf = (options: Options) => (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")

/** The `GitHub` port over the `HttpClient` in context, configured once for GitHub (docs/outcomes.md, "The test query" and "The identity lookup"). */
export const make = (options: Options = {}): Effect.Effect<GitHub["Type"], never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (client) =>
    makeOver(
      client.pipe(
        HttpClient.mapRequest((request) =>
          request.pipe(
            HttpClientRequest.prependUrl(baseUrlOf(options)),
            HttpClientRequest.setHeader("user-agent", options.userAgent ?? `gittensor-pat/${pkg.version}`)
          )
        )
      ),
      options
    )
  )

/**
 * The `GitHub` port over the `HttpClient` in context, which must honour
 * `UndiciHttpClient.currentRequestTimeout` and send no headers of its own, as
 * `UndiciHttpClient` does: it neither traces nor propagates trace context, so GitHub gets
 * exactly the headers above.
 */
export const layer = (options?: Options): Layer.Layer<GitHub, never, HttpClient.HttpClient> =>
  Layer.effect(GitHub, make(options))

/** The production adapter: `layer` over the adapter's undici client and its keep-alive pool. */
export const layerNode = (options: Options = {}): Layer.Layer<GitHub> =>
  Layer.provide(
    layer(options),
    UndiciHttpClient.layer(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes })
  )

/** As `layerNode`, with the API root from `GITTENSOR_GITHUB_API_URL` when it is set. */
export const layerConfig: Layer.Layer<GitHub> = Layer.unwrapEffect(
  Effect.map(
    Config.string("GITTENSOR_GITHUB_API_URL").pipe(
      Config.withDefault(defaultBaseUrl),
      Effect.orElseSucceed(() => defaultBaseUrl)
    ),
    (baseUrl) => layerNode({ baseUrl: baseUrl.trim() === "" ? defaultBaseUrl : baseUrl })
  )
)
