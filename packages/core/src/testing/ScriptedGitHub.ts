import { Clock, Context, Effect, Layer, Redacted } from "effect"
import type { Deadline } from "../Deadline.js"
import type { GitHubId, Pat } from "../domain.js"
import { type GitHubEndpoint, InvalidPatError, TransientGitHubError } from "../errors.js"
import { GitHub } from "../GitHub.js"
import { Messages } from "../messages.js"

/** One scripted GitHub answer. The endpoint of any error is filled in by the call it answers. */
export type Answer<A> =
  | { readonly _tag: "Succeed"; readonly value: A }
  | { readonly _tag: "Transient"; readonly cause: TransientGitHubError["cause"]; readonly status?: number }
  | { readonly _tag: "Invalid"; readonly reason: InvalidPatError["reason"]; readonly message: string }
  | { readonly _tag: "Hang" }
  | { readonly _tag: "Delay"; readonly millis: number; readonly then: Answer<A> }

/** Constructors for scripted answers. */
export const Answer = {
  /** GitHub answers conclusively and well. */
  succeed: <A>(value: A): Answer<A> => ({ _tag: "Succeed", value }),
  /** GitHub gives no conclusive answer. */
  transient: (cause: TransientGitHubError["cause"], status?: number): Answer<never> =>
    status === undefined ? { _tag: "Transient", cause } : { _tag: "Transient", cause, status },
  /** GitHub answers conclusively that the token cannot be used. */
  invalid: (reason: InvalidPatError["reason"], message: string): Answer<never> => ({ _tag: "Invalid", reason, message }),
  /** GitHub never answers (the call ends, transient, at its deadline). */
  hang: { _tag: "Hang" } as Answer<never>,
  /** `then`, after `millis` of the Clock. */
  delay: <A>(millis: number, then: Answer<A>): Answer<A> => ({ _tag: "Delay", millis, then })
} as const

/**
 * What GitHub answers for one token. A list is played in order, one entry per call, and
 * its last entry repeats.
 */
export interface TokenScript {
  readonly identity?: Answer<GitHubId> | ReadonlyArray<Answer<GitHubId>>
  readonly testQuery?: Answer<string> | ReadonlyArray<Answer<string>>
}

/** One call the scripted GitHub received. */
export interface GitHubCall {
  readonly endpoint: GitHubEndpoint
  readonly pat: Pat
}

// A token nobody scripted gets GitHub's answer to a token it does not know: 401.
const unknownIdentity: Answer<GitHubId> = Answer.invalid("unauthorized", "GitHub /user returned 401")
const unknownTestQuery: Answer<string> = Answer.invalid("unauthorized", Messages.graphqlStatus(401))

// The port's promise: whatever the script says, the call is answered by its deadline.
const outOfTime = (endpoint: GitHubEndpoint, deadline: Deadline) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.zipRight(Effect.sleep(Math.max(0, deadline - now)), Effect.fail(new TransientGitHubError({ endpoint, cause: "deadline" })))
  )

const answer = <A>(
  endpoint: GitHubEndpoint,
  scripted: Answer<A>,
  deadline: Deadline
): Effect.Effect<A, TransientGitHubError | InvalidPatError> => {
  switch (scripted._tag) {
    case "Succeed":
      return Effect.succeed(scripted.value)
    case "Transient": {
      const { cause, status } = scripted
      return Effect.fail(new TransientGitHubError({ endpoint, cause, ...(status === undefined ? {} : { status }) }))
    }
    case "Invalid":
      return Effect.fail(new InvalidPatError({ endpoint, reason: scripted.reason, message: scripted.message }))
    case "Hang":
      return outOfTime(endpoint, deadline)
    case "Delay":
      return Effect.flatMap(Clock.currentTimeMillis, (now) =>
        now + scripted.millis >= deadline
          ? outOfTime(endpoint, deadline)
          : Effect.zipRight(Effect.sleep(scripted.millis), answer<A>(endpoint, scripted.then, deadline))
      )
  }
}

/** The handle tests use to script a `ScriptedGitHub` and see what it was asked. */
export class ScriptedGitHub extends Context.Tag("@gittensor-pat/core/testing/ScriptedGitHub")<
  ScriptedGitHub,
  {
    /** Sets (replacing) the script for one token. */
    readonly script: (token: string, script: TokenScript) => Effect.Effect<void>
    /** Every call so far, oldest first. */
    readonly calls: Effect.Effect<ReadonlyArray<GitHubCall>>
  }
>() {
  /** A `GitHub` that answers from per-token scripts, plus its handle. */
  static readonly make = (scripts: Readonly<Record<string, TokenScript>> = {}) =>
    Effect.sync(() => {
      // Plain mutable state touched only inside `Effect.sync`: the fake sits on benchmark
      // hot paths, where copying a map or a call log per call would dominate.
      const byToken = new Map(Object.entries(scripts))
      const played = new Map<string, number>()
      const calls: Array<GitHubCall> = []
      const next = <A>(
        endpoint: GitHubEndpoint,
        pat: Pat,
        scripted: (script: TokenScript) => Answer<A> | ReadonlyArray<Answer<A>> | undefined,
        unscripted: Answer<A>
      ) =>
        Effect.sync(() => {
          calls.push({ endpoint, pat })
          const token = Redacted.value(pat)
          const found = scripted(byToken.get(token) ?? {}) ?? unscripted
          const steps: ReadonlyArray<Answer<A>> = "_tag" in found ? [found] : found
          const key = `${endpoint}:${token}`
          const index = played.get(key) ?? 0
          played.set(key, index + 1)
          return steps[Math.min(index, steps.length - 1)]!
        })
      const github: GitHub["Type"] = {
        identity: (pat, deadline) =>
          Effect.flatMap(next("identity", pat, (script) => script.identity, unknownIdentity), (step) =>
            answer("identity", step, deadline)
          ),
        testQuery: (pat, deadline) =>
          Effect.flatMap(next("test-query", pat, (script) => script.testQuery, unknownTestQuery), (step) =>
            answer("test-query", step, deadline)
          )
      }
      const handle: ScriptedGitHub["Type"] = {
        script: (token, script) =>
          Effect.sync(() => {
            byToken.set(token, script)
            played.delete(`identity:${token}`)
            played.delete(`test-query:${token}`)
          }),
        calls: Effect.sync(() => calls.slice())
      }
      return { github, handle }
    })

  /** The scripted `GitHub` and its handle as one layer; fresh state per build. */
  static readonly layer = (scripts?: Readonly<Record<string, TokenScript>>): Layer.Layer<GitHub | ScriptedGitHub> =>
    Layer.effectContext(
      Effect.map(ScriptedGitHub.make(scripts), ({ github, handle }) =>
        Context.make(GitHub, github).pipe(Context.add(ScriptedGitHub, handle))
      )
    )
}
