import { GitHub, InvalidPatError, Messages, type Pat } from "@gittensor-pat/core"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Config, Duration, Effect, Layer, Redacted } from "effect"
import pkg from "../package.json" with { type: "json" }
import { httpClientTransport } from "./exchange.js"
import { classifyIdentity, identityRefused } from "./identityAnswer.js"
import { nodeDispatcher } from "./nodeDispatcher.js"
import { type RetryPolicy, retryWithinDeadline } from "./retryWithinDeadline.js"
import { classifyTestQuery, testQueryBody } from "./testQueryAnswer.js"
import type { Transport } from "./transport.js"
import { undiciTransport } from "./undiciTransport.js"

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

/** Characters a header value can carry; a token with others can never authenticate. */
const headerSafe = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * Refuses, without calling GitHub, a token GitHub would refuse: an empty one (CONTRACT §3)
 * or one that cannot even be put in a header (sending it would fail as a transport error
 * and be mistaken for an outage). Reports it as GitHub's own 401 would read.
 */
const usableToken = (
  pat: Pat,
  endpoint: "identity" | "test-query",
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

const baseUrlOf = (options: Options) => (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
const userAgentOf = (options: Options) => options.userAgent ?? `gittensor-pat/${pkg.version}`
const maxBodyBytesOf = (options: Options) => options.maxBodyBytes ?? 1024 * 1024

// The port over any transport: the contract's requests, retries and verdicts. Its calls
// carry no span: even with the tracer off, one costs ~20 µs per call (a stack capture).
const makeOver = (transport: Transport, options: Options): GitHub["Type"] => {
  const policy = {
    attemptTimeoutMs: Duration.toMillis(options.attemptTimeout ?? Duration.seconds(15)),
    baseDelayMs: Duration.toMillis(options.retryBaseDelay ?? Duration.millis(100)),
    maxDelayMs: 2000
  }
  const sendIdentity = transport("identity")
  const sendTestQuery = transport("test-query")
  const identityPolicy: RetryPolicy = {
    ...policy,
    endpoint: "identity",
    retries: options.identityRetries ?? 6,
    retryWhen: () => true
  }
  // The user-visible probe: one retry, and only when no answer arrived at all.
  const testQueryPolicy: RetryPolicy = {
    ...policy,
    endpoint: "test-query",
    retries: 1,
    retryWhen: (error) => error.cause === "transport"
  }

  const identity = Effect.fnUntraced(function* (pat: Pat) {
    const token = yield* usableToken(pat, "identity", identityRefused)
    const call = {
      method: "GET",
      path: "/user",
      headers: { authorization: `token ${token}`, accept: "application/vnd.github.v3+json" }
    } as const
    return yield* retryWithinDeadline(identityPolicy, (budget) =>
      Effect.flatMap(sendIdentity(call, budget), classifyIdentity)
    )
  })

  const testQuery = Effect.fnUntraced(function* (pat: Pat) {
    const token = yield* usableToken(pat, "test-query", Messages.graphqlStatus)
    const call = {
      method: "POST",
      path: "/graphql",
      headers: { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" },
      body: testQueryBody
    } as const
    return yield* retryWithinDeadline(testQueryPolicy, (budget) =>
      Effect.flatMap(sendTestQuery(call, budget), (answer) => classifyTestQuery(answer, token))
    )
  })

  return GitHub.of({ identity, testQuery })
}

/** The `GitHub` port over an `HttpClient` (CONTRACT §2 and §3). */
export const make = Effect.fn("GitHubHttp.make")(function* (options: Options = {}) {
  const baseUrl = baseUrlOf(options)
  const client = (yield* HttpClient.HttpClient).pipe(
    HttpClient.mapRequest((request) =>
      request.pipe(
        HttpClientRequest.prependUrl(baseUrl),
        HttpClientRequest.setHeader("user-agent", userAgentOf(options))
      )
    ),
    // GitHub gets exactly the contract's headers, not our trace context; and a span per
    // request (with an attribute per header) would cost more than the call at full load.
    HttpClient.withTracerPropagation(false),
    HttpClient.withTracerDisabledWhen(() => true)
  )
  return makeOver(httpClientTransport(client, maxBodyBytesOf(options)), options)
})

/** The `GitHub` port over whichever `HttpClient` the application provides. */
export const layer = (options?: Options): Layer.Layer<GitHub, never, HttpClient.HttpClient> =>
  Layer.effect(GitHub, make(options))

/** As `layer`, with the API root from `GITTENSOR_GITHUB_API_URL` when it is set. */
export const layerConfig: Layer.Layer<GitHub, never, HttpClient.HttpClient> = Layer.unwrapEffect(
  Effect.map(
    Config.string("GITTENSOR_GITHUB_API_URL").pipe(
      Config.withDefault(defaultBaseUrl),
      Effect.orElseSucceed(() => defaultBaseUrl)
    ),
    (baseUrl) => layer({ baseUrl: baseUrl.trim() === "" ? defaultBaseUrl : baseUrl })
  )
)

/**
 * The production adapter: the port straight over Node's undici with a pool sized for load
 * (no `HttpClient` in between: at full load its per-call cost was the adapter's largest).
 */
export const layerNode = (options: Options = {}): Layer.Layer<GitHub> =>
  Layer.effect(
    GitHub,
    Effect.map(NodeHttpClient.Dispatcher, (dispatcher) =>
      makeOver(
        undiciTransport(dispatcher, {
          baseUrl: baseUrlOf(options),
          userAgent: userAgentOf(options),
          maxBodyBytes: maxBodyBytesOf(options)
        }),
        options
      )
    )
  ).pipe(Layer.provide(nodeDispatcher))
