import { GitHub, type GitHubEndpoint, TransientGitHubError } from "@gittensor-pat/core"
import { Clock, Context, Effect, Exit, type Fiber, FiberId, Layer } from "effect"
import { Drain } from "./Drain.js"
import { type GitHubCallKind, Metrics } from "./Metrics.js"

/** Milliseconds each GitHub endpoint took for one request (for its log line). */
export type GitHubTimings = Partial<Record<GitHubEndpoint, number>>

/** The GitHub port as one request sees it, and what its calls took so far. */
export interface ObservedRequest {
  /** Provide it to the request's pipeline: each call is counted, timed into `timings` and cut by the drain. */
  readonly github: GitHub["Type"]
  readonly timings: GitHubTimings
}

/**
 * The GitHub port observed per request: per-call metrics, the request's own timings (for
 * its log line), and the drain's cut at the end of its grace (a hung GitHub must not hold
 * shutdown until each request's own deadline).
 */
export class ObservedGitHub extends Context.Tag("@gittensor-pat/validator/ObservedGitHub")<
  ObservedGitHub,
  {
    /** A fresh view of the port for one request. */
    readonly forRequest: () => ObservedRequest
  }
>() {}

const kindOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>): GitHubCallKind =>
  Exit.match(exit, {
    onSuccess: () => "success",
    onFailure: (cause) => {
      const failure = cause._tag === "Fail" ? cause.error._tag : undefined
      return failure === "InvalidPatError" ? "invalid" : "transient"
    }
  })

/**
 * GitHub calls that shutdown may cut short. The pipelines run each call in a fiber of its own
 * (core's `startCall`), so interrupting that fiber cuts the call without cutting its request,
 * and the pipeline takes the call as out of time (transient), as when the request's own
 * deadline passes. Calls made after the cut fail that way at once.
 */
interface Cutoff {
  cut: boolean
  readonly running: Set<Fiber.RuntimeFiber<unknown, unknown>>
}

const cutShort = (cutoff: Cutoff): void => {
  cutoff.cut = true
  for (const fiber of cutoff.running) fiber.unsafeInterruptAsFork(FiberId.none)
  cutoff.running.clear()
}

const cuttable = <A, E>(cutoff: Cutoff, endpoint: GitHubEndpoint, self: Effect.Effect<A, E>): Effect.Effect<A, E | TransientGitHubError> =>
  Effect.suspend(() => {
    if (cutoff.cut) return Effect.fail(new TransientGitHubError({ endpoint, cause: "deadline" }))
    return Effect.withFiberRuntime<A, E | TransientGitHubError>((fiber) => {
      cutoff.running.add(fiber)
      return Effect.ensuring(self, Effect.sync(() => cutoff.running.delete(fiber)))
    })
  })

/** Decorates the `GitHub` port in context for each request (see `ObservedGitHub`). */
export const make: Effect.Effect<ObservedGitHub["Type"], never, GitHub | Metrics | Drain> = Effect.gen(function* () {
  const github = yield* GitHub
  const metrics = yield* Metrics
  const drain = yield* Drain
  const cutoff: Cutoff = { cut: false, running: new Set() }
  drain.whenGraceEnds(() => cutShort(cutoff))
  const observe = <A, E extends { readonly _tag: string }>(
    timings: GitHubTimings,
    endpoint: GitHubEndpoint,
    self: Effect.Effect<A, E>
  ): Effect.Effect<A, E | TransientGitHubError> =>
    Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(cuttable(cutoff, endpoint, self), (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (end) => {
          timings[endpoint] = end - start
          return metrics.githubCall(endpoint, kindOf(exit), (end - start) / 1_000)
        })
      )
    )
  return ObservedGitHub.of({
    forRequest: () => {
      const timings: GitHubTimings = {}
      return {
        timings,
        github: GitHub.of({
          identity: (pat, deadline) => observe(timings, "identity", github.identity(pat, deadline)),
          testQuery: (pat, deadline) => observe(timings, "test-query", github.testQuery(pat, deadline))
        })
      }
    }
  })
})

/** The observer over the `GitHub` port in context. */
export const layer: Layer.Layer<ObservedGitHub, never, GitHub | Metrics | Drain> = Layer.effect(ObservedGitHub, make)
