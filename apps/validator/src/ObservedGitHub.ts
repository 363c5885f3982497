import { GitHub, type GitHubEndpoint } from "@gittensor-pat/core"
import { Clock, Effect, Exit, FiberRef, Layer } from "effect"
import { type GitHubCallKind, Metrics } from "./Metrics.js"

/** Milliseconds each GitHub endpoint took for one request (for its log line). */
export type GitHubTimings = Partial<Record<GitHubEndpoint, number>>

/**
 * The timings of the request the running fiber serves. The handler installs a fresh
 * record per request; the calls, forked or not, write into it.
 */
export const currentTimings: FiberRef.FiberRef<GitHubTimings | undefined> = FiberRef.unsafeMake<
  GitHubTimings | undefined
>(undefined)

const kindOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>): GitHubCallKind =>
  Exit.match(exit, {
    onSuccess: () => "success",
    onFailure: (cause) => {
      const failure = cause._tag === "Fail" ? cause.error._tag : undefined
      return failure === "InvalidPatError" ? "invalid" : "transient"
    }
  })

const observe =
  (metrics: Metrics["Type"], endpoint: GitHubEndpoint) =>
  <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(self, (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (end) =>
          Effect.flatMap(FiberRef.get(currentTimings), (timings) => {
            if (timings !== undefined) timings[endpoint] = end - start
            return metrics.githubCall(endpoint, kindOf(exit), (end - start) / 1_000)
          })
        )
      )
    )

/** Decorates the `GitHub` port with per-call metrics and per-request timings. */
export const layer: Layer.Layer<GitHub, never, GitHub | Metrics> = Layer.effect(
  GitHub,
  Effect.gen(function* () {
    const github = yield* GitHub
    const metrics = yield* Metrics
    return GitHub.of({
      identity: (pat) => observe(metrics, "identity")(github.identity(pat)),
      testQuery: (pat) => observe(metrics, "test-query")(github.testQuery(pat))
    })
  })
)
