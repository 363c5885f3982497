import { Deadline, GitHub, type InvalidPatError, Pat, type TransientGitHubError } from "@gittensor-pat/core"
import { Effect, Either, Schema } from "effect"
import { GitHubHttp } from "../src/index.js"

/** A token as the adapter receives it. */
export const pat = (token: string): Pat => Schema.decodeSync(Pat)(token)

/** Test defaults: short backoff so retry tests stay quick. */
export const fastRetries: GitHubHttp.Options = { retryBaseDelay: "10 millis" }

/** Runs `use` against the real adapter (undici, real sockets) pointed at `baseUrl`. */
export const withGitHub = <A, E>(
  baseUrl: string,
  use: (github: GitHub["Type"]) => Effect.Effect<A, E>,
  options: GitHubHttp.Options = fastRetries
) => Effect.flatMap(GitHub, use).pipe(Effect.provide(GitHubHttp.layerNode({ ...options, baseUrl })))

/** The failure of `effect`, or the success it should not have had. */
export const outcome = <A>(effect: Effect.Effect<A, TransientGitHubError | InvalidPatError>) => Effect.either(effect)

/** A deadline no test comes near: a minute from now on the live clock. */
export const inAMinute = (): Deadline.Deadline => Deadline.at(Date.now() + 60_000)

/** Identity under a deadline `ms` from now, as the pipelines call it. */
export const identityWithin = (github: GitHub["Type"], token: string, ms: number) =>
  Effect.flatMap(Deadline.after(ms), (deadline) => github.identity(pat(token), deadline))

/** The tag of a result: `success`, `TransientGitHubError` or `InvalidPatError`. */
export const kind = (result: Either.Either<unknown, { readonly _tag: string }>): string =>
  Either.match(result, { onLeft: (e) => e._tag, onRight: () => "success" })
