import { Deadline, type GitHub } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, FastCheck as fc, Inspectable, Logger, LogLevel, Option } from "effect"
import { FakeGitHub, type FakeBehaviour, type FakeGitHubServer } from "@gittensor-pat/fake-github"
import { pat, withGitHub } from "./support.js"

const secret = "ghp_SuperSecretToken9876"

/** The spellings of a token that text quoting it may carry: as is, URL-encoded, JSON-escaped. */
const spellings = (token: string): ReadonlyArray<string> => [
  token,
  encodeURIComponent(token),
  JSON.stringify(token).slice(1, -1)
]

/** A GraphQL error whose message quotes the caller's token in every spelling, as GitHub may. */
const quotingError = (token: string): FakeBehaviour => ({
  status: 200,
  json: { errors: [{ type: "FORBIDDEN", message: `token ${spellings(token).join(" or ")} is not allowed` }] }
})

const failures = (token: string): ReadonlyArray<FakeBehaviour> => [
  { status: 503 },
  { status: 401, json: { message: "Bad credentials" } },
  { status: 403, json: { message: `token ${token} is rate limited` } },
  { status: 200, json: { errors: [{ message: "Something about the token" }] } },
  quotingError(token),
  { status: 200, body: `not json ${token}` },
  "reset",
  "hang"
]

/** Every way an error could be turned into text by a caller, a logger or a test runner. */
const renderings = (exit: Exit.Exit<unknown, unknown>): ReadonlyArray<string> =>
  Exit.match(exit, {
    onSuccess: () => [],
    onFailure: (cause) => {
      const error = Option.getOrUndefined(Cause.failureOption(cause))
      return [
        Cause.pretty(cause),
        String(error),
        JSON.stringify(error),
        Inspectable.format(error),
        error instanceof Error ? `${error.message} ${error.stack}` : ""
      ]
    }
  })

/**
 * Both calls for `token` against `behaviour` (`identity` for the identity call), under a short deadline, with every log record
 * (Debug included) captured: the texts of both failures and of the log lines.
 */
const textsOf = (fake: FakeGitHubServer, token: string, behaviour: FakeBehaviour, identity = behaviour) =>
  Effect.gen(function* () {
    fake.script(token, "user", identity)
    fake.script(token, "graphql", behaviour)
    const lines: Array<string> = []
    const capture = Logger.make(({ message, annotations, cause }) => {
      lines.push(Inspectable.format({ message, annotations: [...annotations] }), Cause.pretty(cause))
    })
    const both = (github: GitHub["Type"]) =>
      Effect.flatMap(Deadline.after("600 millis"), (deadline) =>
        Effect.all(
          [
            Effect.exit(github.identity(pat(token), deadline)),
            Effect.exit(github.testQuery(pat(token), deadline))
          ],
          { concurrency: 2 }
        )
      )
    const exits = yield* withGitHub(fake.url, both, { retryBaseDelay: "10 millis" }).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
    for (const exit of exits) assert.isTrue(Exit.isFailure(exit))
    return { errors: exits.flatMap(renderings), lines }
  })

const assertNoSpelling = (texts: ReadonlyArray<string>, token: string) => {
  for (const text of texts) {
    for (const spelling of spellings(token)) assert.notInclude(text, spelling)
  }
}

describe("the PAT never leaks", () => {
  it.scopedLive("from any failure's error, toString, JSON or log line, at every log level", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const lines: Array<string> = []
      const texts: Array<string> = []
      for (const behaviour of failures(secret)) {
        const seen = yield* textsOf(fake, secret, behaviour)
        texts.push(...seen.errors)
        lines.push(...seen.lines)
      }
      assert.isAbove(lines.length, 0, "retries should have logged")
      assertNoSpelling([...texts, ...lines], secret)
      for (const text of [...texts, ...lines]) assert.notInclude(text, "SuperSecret")
    })
  )

  it.scopedLive("a GraphQL error quoting the token names it only as ***<last 4>", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const { errors } = yield* textsOf(fake, secret, quotingError(secret))
      assert.isTrue(errors.some((text) => text.includes("GraphQL error: token ***9876 or ***9876 or ***9876 is not allowed")))
    })
  )

  // Characters a header can carry that URL-encoding or JSON escaping rewrite. A token starts
  // and ends as GitHub's do, so no quote a renderer adds around text can complete one.
  const tricky = fc.constantFrom(..."\"\\%+&=?#/<>{}:;' \u00e9", ..."abcXYZ019_-")
  const trickyToken = fc
    .tuple(fc.string({ unit: tricky, maxLength: 30 }), fc.constantFrom(..."abcXYZ019"))
    .map(([middle, last]) => `ghp_${middle}${last}`)

  it.live.prop(
    "property: tokens that URL-encoding and JSON escape, quoted by GitHub, appear in no error or log line",
    [trickyToken],
    ([token]) =>
      Effect.scoped(
        Effect.gen(function* () {
          const fake = yield* FakeGitHub.scoped
          // Identity refused at once, so each run waits for no retry.
          const { errors, lines } = yield* textsOf(fake, token, quotingError(token), { status: 401 })
          assertNoSpelling([...errors, ...lines], token)
          assert.isTrue(errors.some((text) => text.includes("GraphQL error: token ***")), "the GraphQL verdict")
        })
      ),
    { fastCheck: { numRuns: 40 } }
  )
})
