import { Deadline, type GitHub } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Inspectable, Logger, LogLevel, Option } from "effect"
import { FakeGitHub, type FakeBehaviour } from "../src/testing/index.js"
import { pat, withGitHub } from "./support.js"

const secret = "ghp_SuperSecretToken9876"

const failures: ReadonlyArray<FakeBehaviour> = [
  { status: 503 },
  { status: 401, json: { message: "Bad credentials" } },
  { status: 403, json: { message: `token ${secret} is rate limited` } },
  { status: 200, json: { errors: [{ message: "Something about the token" }] } },
  { status: 200, body: `not json ${secret}` },
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

describe("the PAT never leaks", () => {
  it.scopedLive("from any failure's error, toString, JSON or log line, at every log level", () =>
    Effect.gen(function* () {
      const fake = yield* FakeGitHub.scoped
      const lines: Array<string> = []
      const capture = Logger.make(({ message, annotations }) => {
        lines.push(Inspectable.format({ message, annotations: [...annotations] }))
      })
      const texts: Array<string> = []
      for (const behaviour of failures) {
        fake.script(secret, "user", behaviour)
        fake.script(secret, "graphql", behaviour)
        const both = (github: GitHub["Type"]) =>
          Effect.flatMap(Deadline.after("600 millis"), (deadline) =>
            Effect.all(
              [
                Effect.exit(github.identity(pat(secret)).pipe(Deadline.bound(deadline, "identity"))),
                Effect.exit(github.testQuery(pat(secret)).pipe(Deadline.bound(deadline, "test-query")))
              ],
              { concurrency: 2 }
            )
          )
        const exits = yield* withGitHub(fake.url, both, { retryBaseDelay: "10 millis" }).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        for (const exit of exits) {
          assert.isTrue(Exit.isFailure(exit))
          texts.push(...renderings(exit))
        }
      }
      assert.isAbove(lines.length, 0, "retries should have logged")
      for (const text of [...texts, ...lines]) {
        assert.notInclude(text, secret)
        assert.notInclude(text, "SuperSecret")
      }
    })
  )
})
