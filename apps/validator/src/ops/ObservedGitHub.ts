import { GitHub, type GitHubEndpoint, TransientGitHubError } from "@gittensor-pat/core"
import { Clock, Effect, Exit, Fiber, FiberId, FiberRef, Layer } from "effect"
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
 * GitHub calls that shutdown may cut short. Each runs in a fiber of its own, so that the
 * fiber can be interrupted without interrupting its request: the call then answers as out of
 * time (transient), as when the request's own deadline passes. Calls made after the cut fail
 * that way at once.
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
    return Effect.flatMap(Effect.fork(self), (fiber) => {
      cutoff.running.add(fiber)
      return Effect.flatMap(Fiber.await(fiber), (exit): Effect.Effect<A, E | TransientGitHubError> => {
        cutoff.running.delete(fiber)
        return Exit.isInterrupted(exit) && cutoff.cut ? Effect.fail(new TransientGitHubError({ endpoint, cause: "deadline" })) : exit
      })
    })
  })

const observe =
  (metrics: Metrics["Type"], cutoff: Cutoff, endpoint: GitHubEndpoint) =>
  <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>): Effect.Effect<A, E | TransientGitHubError> =>
    Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(cuttable(cutoff, endpoint, self), (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (end) =>
          Effect.flatMap(FiberRef.get(currentTimings), (timings) => {
            if (timings !== undefined) timings[endpoint] = end - start
            return metrics.githubCall(endpoint, kindOf(exit), (end - start) / 1_000)
          })
        )
      )
    )

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
      identity: (pat, deadline) => observe(metrics, cutoff, "identity")(github.identity(pat, deadline)),
      testQuery: (pat, deadline) => observe(metrics, cutoff, "test-query")(github.testQuery(pat, deadline))
    })
  })
)
