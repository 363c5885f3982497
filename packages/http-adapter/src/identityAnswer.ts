import { GitHubId } from "@gittensor-pat/core"
import { Either, Option, Schema } from "effect"
import { type GitHubAnswer, type GitHubFailure, judgeStatus, transient } from "./GitHubAnswer.js"

/** The part of GitHub's `/user` answer we rely on: its id, numeric or (defensively) a string. */
const UserBody = Schema.parseJson(
  Schema.Struct({ id: Schema.Union(Schema.Number, Schema.NonEmptyString) })
)
const decodeUser = Schema.decodeEither(UserBody)
const toGitHubId = Schema.decodeUnknownEither(GitHubId)

/** The message an identity refusal carries (the pipeline words the miner's text). */
export const identityRefused = (status: number): string => `GitHub /user returned ${status}`

/**
 * docs/outcomes.md, "The identity lookup": a 200 with an id is the GitHub id; a 200 without a readable id is
 * transient (a proxy or a truncated answer, not a verdict on the token).
 */
export const classifyIdentity = (answer: GitHubAnswer): Either.Either<GitHubId, GitHubFailure> =>
  Option.match(judgeStatus("identity", answer, identityRefused), {
    onSome: Either.left,
    onNone: () =>
      decodeUser(answer.body).pipe(
        Either.flatMap(({ id }) => toGitHubId(String(id))),
        Either.mapLeft(() => transient("identity", "bad-json", answer))
      )
  })
