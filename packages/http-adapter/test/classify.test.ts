import { Messages } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { classifyIdentity, classifyTestQuery, type GitHubAnswer, identityRefused } from "../src/index.js"

const answer = (status: number, body: string, headers: GitHubAnswer["headers"] = {}): GitHubAnswer => ({
  status,
  headers,
  body
})

const failureOf = <E>(verdict: Either.Either<unknown, E>): E =>
  Either.match(verdict, { onLeft: (e) => e, onRight: (a) => assert.fail(`expected a failure, got ${a}`) })

const kindOf = (verdict: Either.Either<unknown, { readonly _tag: string }>) =>
  Either.match(verdict, { onLeft: (e) => e._tag, onRight: () => "success" })

const rateLimitPhrase = fc.constantFrom("rate limit", "API Rate Limit exceeded", "secondary RATE LIMIT hit")
const bodies = fc.oneof(
  fc.string(),
  fc.json(),
  rateLimitPhrase.map((message) => JSON.stringify({ message })),
  fc.constant('{"data":{"viewer":{"login":"octocat"}}}'),
  fc.constant('{"id":583231,"login":"octocat"}')
)
const headers = fc.record(
  { "x-ratelimit-remaining": fc.constantFrom("0", "1", "4999", " 0 "), "retry-after": fc.constantFrom("1", "60", "soon") },
  { requiredKeys: [] }
)
const status = fc.oneof(
  fc.constantFrom(200, 400, 401, 403, 403, 404, 408, 422, 429, 451),
  fc.integer({ min: 100, max: 599 })
)
const anyAnswer = fc.record({ status, headers, body: bodies })
const throttled = (a: GitHubAnswer) =>
  a.status === 403 && (a.headers["x-ratelimit-remaining"]?.trim() === "0" || /rate limit/i.test(a.body))
// The token the test query was sent with: classifying masks it in GitHub's text.
const TOKEN = "ghp_classify_token_5150"
const classifyGraphql = (a: GitHubAnswer) => classifyTestQuery(a, TOKEN)
const both = [classifyIdentity, classifyGraphql] as const

describe("status rows shared by the test query and the identity lookup (docs/outcomes.md)", () => {
  it.prop("5xx is transient whatever the body", [fc.integer({ min: 500, max: 599 }), headers, bodies], ([s, h, b]) => {
    for (const classify of both) assert.strictEqual(kindOf(classify(answer(s, b, h))), "TransientGitHubError")
  })

  it.prop("408, 429 and a throttling 403 are transient, never invalid", [fc.constantFrom(403, 408, 429), headers, bodies], ([s, h, b]) => {
    const a = answer(s, b, h)
    fc.pre(s !== 403 || throttled(a))
    for (const classify of both) assert.strictEqual(kindOf(classify(a)), "TransientGitHubError")
  })

  it.prop("any other 4xx is invalid with its documented message", [anyAnswer], ([a]) => {
    fc.pre(a.status >= 400 && a.status < 500 && a.status !== 408 && a.status !== 429 && !throttled(a))
    assert.deepInclude(failureOf(classifyGraphql(a)), {
      _tag: "InvalidPatError",
      endpoint: "test-query",
      reason: "unauthorized",
      message: `GitHub GraphQL API returned ${a.status}`
    })
    assert.deepInclude(failureOf(classifyIdentity(a)), {
      _tag: "InvalidPatError",
      endpoint: "identity",
      message: identityRefused(a.status)
    })
  })

  it.prop("any other status that is not 200 is transient", [anyAnswer], ([a]) => {
    fc.pre(a.status !== 200 && (a.status < 400 || a.status >= 500))
    for (const classify of both) assert.strictEqual(kindOf(classify(a)), "TransientGitHubError")
  })

  it("a 403 with x-ratelimit-remaining: 0 carries GitHub's retry-after", () => {
    const verdict = classifyIdentity(answer(403, "{}", { "x-ratelimit-remaining": "0", "retry-after": "7" }))
    assert.deepInclude(failureOf(verdict), {
      _tag: "TransientGitHubError",
      cause: "rate-limit",
      retryAfterMs: 7000,
      status: 403
    })
  })
})

const graphql = (body: unknown) => classifyGraphql(answer(200, JSON.stringify(body)))
const errorEntry = fc.record(
  { message: fc.oneof(fc.string(), rateLimitPhrase), type: fc.constantFrom("FORBIDDEN", "RATE_LIMITED", "RATE_LIMIT", "NOT_FOUND") },
  { requiredKeys: [] }
)
const isRateLimitEntry = (e: { message?: string; type?: string }) =>
  e.type === "RATE_LIMITED" || e.type === "RATE_LIMIT" || /rate limit/i.test(e.message ?? "")

describe("200 rows of the test query (docs/outcomes.md)", () => {
  it.prop("a body that is not JSON is transient", [fc.string()], ([text]) => {
    fc.pre(Either.isLeft(Either.try(() => JSON.parse(text))))
    assert.strictEqual(kindOf(classifyGraphql(answer(200, text))), "TransientGitHubError")
  })

  it.prop("a rate-limit entry anywhere in errors is transient, whatever data holds", [fc.array(errorEntry, { minLength: 1 }), fc.json()], ([errors, data]) => {
    fc.pre(errors.some(isRateLimitEntry))
    const verdict = graphql({ errors, data: JSON.parse(data) })
    assert.isTrue(Either.isLeft(verdict) && verdict.left._tag === "TransientGitHubError" && verdict.left.cause === "rate-limit")
  })

  it.prop("other non-empty errors are a GraphQL error quoting errors[0].message", [fc.array(errorEntry, { minLength: 1 }), fc.json()], ([errors, data]) => {
    fc.pre(!errors.some(isRateLimitEntry))
    const verdict = graphql({ errors, data: JSON.parse(data) })
    assert.isTrue(Either.isLeft(verdict) && verdict.left._tag === "InvalidPatError")
    assert.strictEqual(Either.isLeft(verdict) && verdict.left.message, Messages.graphqlError(errors[0]?.message))
  })

  it.prop("a viewer object succeeds with its login; empty errors fall through", [fc.string(), fc.constantFrom(undefined, null, [])], ([login, errors]) => {
    assert.deepStrictEqual(graphql({ data: { viewer: { login } }, errors }), Either.right(login))
  })

  it("data null, data absent, viewer null or absent: the scope message", () => {
    for (const body of [{ data: null }, {}, { data: { viewer: null } }, { data: {} }, { errors: [], data: null }]) {
      const verdict = graphql(body)
      assert.isTrue(Either.isLeft(verdict) && verdict.left._tag === "InvalidPatError")
      assert.strictEqual(Either.isLeft(verdict) && verdict.left.message, Messages.missingScope)
    }
  })

  it("errors[0].message quoting the token, as is, URL-encoded or JSON-escaped, names only ***<last 4>", () => {
    const token = 'ghp_a"b\\c/d e%f'
    const quotes = [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1)]
    const verdict = classifyTestQuery(answer(200, JSON.stringify({ errors: [{ message: `bad: ${quotes.join(" | ")}` }] })), token)
    assert.strictEqual(Either.isLeft(verdict) && verdict.left.message, "GraphQL error: bad: *** e%f | *** e%f | *** e%f")
  })

  it("errors[0] without a message reads 'unknown'", () => {
    const verdict = graphql({ errors: [{ type: "FORBIDDEN" }] })
    assert.strictEqual(Either.isLeft(verdict) && verdict.left.message, "GraphQL error: unknown")
  })

  it("JSON of a shape GitHub does not send is transient, not a verdict", () => {
    for (const body of [[], 42, "text", null, { data: 5 }, { data: { viewer: "me" } }, { errors: "boom" }]) {
      assert.strictEqual(kindOf(graphql(body)), "TransientGitHubError", JSON.stringify(body))
    }
  })
})

describe("200 rows of the identity lookup (docs/outcomes.md)", () => {
  it.prop("a numeric or string id is the GitHub id, as String(id)", [fc.oneof(fc.nat(), fc.string({ minLength: 1 }))], ([id]) => {
    assert.deepStrictEqual(Either.getOrUndefined(classifyIdentity(answer(200, JSON.stringify({ id, login: "x" })))), String(id))
  })

  it.prop("a body that is not JSON, or has no usable id, is transient", [fc.oneof(fc.string(), fc.json())], ([text]) => {
    const parsed = Either.try(() => JSON.parse(text))
    const id = Either.isRight(parsed) && typeof parsed.right === "object" && parsed.right !== null ? parsed.right.id : undefined
    fc.pre(typeof id !== "number" && (typeof id !== "string" || id === ""))
    assert.strictEqual(kindOf(classifyIdentity(answer(200, text))), "TransientGitHubError")
  })
})
