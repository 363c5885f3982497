import { GitHub, type GitHubEndpoint, TransientGitHubError } from "@gittensor-pat/core"
import { Clock, Effect, Exit, type Fiber, FiberId, FiberRef, Layer } from "effect"
import { Drain } from "./Drain.js"
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

/**
 * GitHub calls that shutdown may cut short. Each runs in a fiber of its own (the pipelines
 * bound every call with `Deadline`, which forks it), so the fiber is interrupted, and
 * `Deadline` answers an interrupted call as out of time: transient, as when the request's
 * own deadline passes. Calls made after the cut fail that way at once.
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

const observe =
  (metrics: Metrics["Type"], cutoff: Cutoff, endpoint: GitHubEndpoint) =>
  <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>): Effect.Effect<A, E | TransientGitHubError> =>
    Effect.withFiberRuntime<A, E | TransientGitHubError>((fiber) => {
      if (cutoff.cut) return Effect.fail(new TransientGitHubError({ endpoint, cause: "deadline" }))
      cutoff.running.add(fiber)
      return Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.onExit(self, (exit) => {
          cutoff.running.delete(fiber)
          return Effect.flatMap(Clock.currentTimeMillis, (end) =>
            Effect.flatMap(FiberRef.get(currentTimings), (timings) => {
              if (timings !== undefined) timings[endpoint] = end - start
              return metrics.githubCall(endpoint, kindOf(exit), (end - start) / 1_000)
            })
          )
        })
      )
    })

/**
 * Decorates the `GitHub` port with per-call metrics and per-request timings, and lets the
 * drain cut calls short as transient when its grace runs out (a hung GitHub must not hold
 * shutdown until each request's own deadline).
 */
export const layer: Layer.Layer<GitHub, never, GitHub | Metrics | Drain> = Layer.effect(
  GitHub,
  Effect.gen(function* () {
    const github = yield* GitHub
    const metrics = yield* Metrics
    const drain = yield* Drain
    const cutoff: Cutoff = { cut: false, running: new Set() }
    drain.whenGraceEnds(() => cutShort(cutoff))
    return GitHub.of({
      identity: (pat) => observe(metrics, cutoff, "identity")(github.identity(pat)),
      testQuery: (pat) => observe(metrics, cutoff, "test-query")(github.testQuery(pat))
    })
  })
)
