import { InvalidPatError, Messages, maskPatIn } from "@gittensor-pat/core"
import { Either, Option, Schema } from "effect"
import {
  type GitHubAnswer,
  type GitHubFailure,
  judgeStatus,
  mentionsRateLimit,
  transient
} from "./GitHubAnswer.js"

/** The test query's request body, byte for byte as docs/outcomes.md, "The test query", gives it. */
export const testQueryBody = JSON.stringify({ query: "{ viewer { login } }" })

/** A GraphQL answer's top level; its parts are judged in the row order of docs/outcomes.md. */
const Envelope = Schema.parseJson(
  Schema.Struct({
    data: Schema.optional(Schema.Unknown),
    errors: Schema.optional(Schema.NullOr(Schema.Array(Schema.Unknown)))
  })
)
const ErrorEntry = Schema.Struct({
  type: Schema.optional(Schema.Unknown),
  message: Schema.optional(Schema.Unknown)
})
const ViewerData = Schema.NullOr(
  Schema.Struct({
    viewer: Schema.optional(Schema.NullOr(Schema.Struct({ login: Schema.optional(Schema.Unknown) })))
  })
)
const decodeEnvelope = Schema.decodeEither(Envelope)
const decodeEntry = Schema.decodeUnknownOption(ErrorEntry)
const decodeData = Schema.decodeUnknownEither(ViewerData)

// GitHub's text, with the token it may quote masked.
const entryMessage = (entry: unknown, token: string): string | undefined =>
  Option.match(decodeEntry(entry), {
    onNone: () => undefined,
    onSome: ({ message }) => (typeof message === "string" ? maskPatIn(message, token) : undefined)
  })

/** GitHub's GraphQL throttling answer: an error typed as a rate limit or saying so. */
const isRateLimitEntry = (entry: unknown): boolean =>
  Option.match(decodeEntry(entry), {
    onNone: () => false,
    onSome: ({ type, message }) =>
      type === "RATE_LIMITED" ||
      type === "RATE_LIMIT" ||
      (typeof message === "string" && mentionsRateLimit(message))
  })

const invalid = (reason: "graphql-error" | "missing-scope", message: string) =>
  new InvalidPatError({ endpoint: "test-query", reason, message })

/**
 * docs/outcomes.md, "The test query": rows tried top to bottom. Succeeds with the viewer's login (empty when
 * GitHub leaves it out). A JSON shape GitHub does not send (a bare array,
 * `data` or `viewer` that is not an object) is transient: it cannot be a verdict.
 * GitHub's error message may quote the token the query was sent with: `token` is masked
 * in it here, where GitHub's text enters, before any answer or log line can carry it.
 */
export const classifyTestQuery = (answer: GitHubAnswer, token: string): Either.Either<string, GitHubFailure> =>
  Option.match(judgeStatus("test-query", answer, Messages.graphqlStatus), {
    onSome: Either.left,
    onNone: () =>
      Either.gen(function* () {
        const body = yield* Either.mapLeft(decodeEnvelope(answer.body), () =>
          transient("test-query", "bad-json", answer)
        )
        const errors = body.errors ?? []
        if (errors.some(isRateLimitEntry)) {
          return yield* Either.left(transient("test-query", "rate-limit", answer))
        }
        if (errors.length > 0) {
          return yield* Either.left(
            invalid("graphql-error", Messages.graphqlError(entryMessage(errors[0], token)))
          )
        }
        const data = yield* Either.mapLeft(decodeData(body.data ?? null), () =>
          transient("test-query", "bad-json", answer)
        )
        const viewer = data?.viewer
        if (viewer === undefined || viewer === null) {
          return yield* Either.left(invalid("missing-scope", Messages.missingScope))
        }
        return typeof viewer.login === "string" ? viewer.login : ""
      })
  })
