import { NodeContext } from "@effect/platform-node"
import { type FakeAccount, FakeGitHub } from "@gittensor-pat/fake-github"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { gitHubAnswering } from "./fixture.js"
import { type MinerRun, runMiner } from "./harness.js"

const token = "ghp_tokenReport000000000000000000000000001"
const keys = ["login", "kind", "scopes", "writes", "expires_at", "rate_limit"]

const assertSecret = (runs: ReadonlyArray<MinerRun>) => {
  for (const run of runs) assert.notInclude(run.stdout + run.stderr, token)
}

/** `miner token --json` against a fake GitHub that knows the token as `account`. */
const tokenRun = (account: FakeAccount | null, extra: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const github = yield* FakeGitHub.scoped
    if (account !== null) github.allow(token, account)
    const run = yield* runMiner(["token", "--pat", token, "--github-api-url", github.url, ...extra])
    assertSecret([run])
    return { run, github }
  })

const reset = 1_900_000_000

layer(NodeContext.layer, { excludeTestServices: true })("miner token: what GitHub says about the token", (it) => {
  it.scoped("a classic token with no scope: read-only, no warning, exit 0", () =>
    Effect.gen(function* () {
      const { run } = yield* tokenRun({ id: 1, login: "octocat", rateLimit: { limit: 5000, remaining: 4998, reset } }, ["--json"])
      assert.strictEqual(run.exitCode, 0, run.stderr)
      const doc = JSON.parse(run.stdout)
      assert.deepStrictEqual(Object.keys(doc), keys)
      assert.deepStrictEqual(doc, {
        login: "octocat",
        kind: "classic",
        scopes: [],
        writes: false,
        expires_at: null,
        rate_limit: { limit: 5000, remaining: 4998, reset_at: new Date(reset * 1000).toISOString() }
      })
      assert.notInclude(run.stderr, "Warning")
    })
  )

  it.scoped("scopes that write are named, with how to make a read-only token (the report still exits 0)", () =>
    Effect.gen(function* () {
      const { run } = yield* tokenRun({ id: 1, login: "octocat", scopes: ["public_repo", "read:user", "admin:org"] })
      assert.strictEqual(run.exitCode, 0, run.stderr)
      assert.match(run.stdout, /^login\s+octocat$/m)
      assert.match(run.stdout, /^kind\s+classic$/m)
      assert.match(run.stdout, /^scopes\s+public_repo, read:user, admin:org$/m)
      assert.match(run.stdout, /^writes\s+yes: public_repo, admin:org$/m)
      assert.match(run.stdout, /^expires {4}none$/m)
      assert.match(run.stdout, /^rate limit 4999\/5000 left until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m)
      assert.include(run.stderr, "Warning: this token's scopes public_repo, admin:org grant write or admin rights on your GitHub account")
      assert.include(run.stderr, "make a read-only token")
      const json = yield* tokenRun({ id: 1, login: "octocat", scopes: ["public_repo", "read:user", "admin:org"] }, ["--json"])
      assert.deepInclude(JSON.parse(json.run.stdout), { writes: true, scopes: ["public_repo", "read:user", "admin:org"] })
    })
  )

  it.scoped("a fine-grained token (no scope header) is reported as such", () =>
    Effect.gen(function* () {
      const { run } = yield* tokenRun({ id: 1, login: "octocat", scopes: null }, ["--json"])
      assert.strictEqual(run.exitCode, 0, run.stderr)
      assert.deepInclude(JSON.parse(run.stdout), { kind: "fine-grained", scopes: null, writes: false })
    })
  )

  it.scoped("an expiry under 14 days warns; a later one is only shown", () =>
    Effect.gen(function* () {
      const soon = new Date(Date.now() + 3 * 86_400_000 + 3_600_000)
      const header = `${soon.toISOString().slice(0, 19).replace("T", " ")} UTC`
      const { run } = yield* tokenRun({ id: 1, login: "octocat", expiresAt: header }, ["--json"])
      assert.strictEqual(run.exitCode, 0)
      assert.strictEqual(JSON.parse(run.stdout).expires_at, `${soon.toISOString().slice(0, 19)}.000Z`)
      assert.include(run.stderr, "Warning: this token expires")
      assert.include(run.stderr, "(in 3 days); validators will then call it invalid")
      const later = yield* tokenRun({ id: 1, login: "octocat", expiresAt: "2099-12-31 23:59:59 +0100" })
      assert.match(later.run.stdout, /^expires {4}2099-12-31 22:59 UTC \(in \d+ days\)$/m)
      assert.notInclude(later.run.stderr, "Warning")
    })
  )

  it.scoped("a token GitHub refuses, or a GitHub that cannot be reached: exit 1, still one JSON document", () =>
    Effect.gen(function* () {
      const refused = yield* tokenRun(null, ["--json"])
      assert.strictEqual(refused.run.exitCode, 1)
      assert.deepInclude(JSON.parse(refused.run.stdout), { login: null, kind: "unknown", scopes: null, rate_limit: null })
      assert.match(JSON.parse(refused.run.stdout).error, /^GitHub rejected this PAT: GitHub \/user returned 401/)
      assert.include(refused.run.stderr, "Error: GitHub rejected this PAT")

      const down = yield* gitHubAnswering(token, { status: 502 })
      const unreachable = yield* runMiner(["token", "--pat", token, "--github-api-url", down.url])
      assert.strictEqual(unreachable.exitCode, 1)
      assert.match(unreachable.stdout, /^kind\s+unknown$/m)
      assert.include(unreachable.stderr, "GitHub is unreachable from here")
      assert.strictEqual(down.count(token, "user"), 3, "asked three times (two retries), as the pre-check does")

      const missing = yield* runMiner(["token", "--json"])
      assert.strictEqual(missing.exitCode, 2)
      assert.deepInclude(JSON.parse(missing.stdout), { login: null, kind: "unknown" })
      assertSecret([unreachable, missing])
    })
  )

  it.effect("--help teaches the command", () =>
    Effect.gen(function* () {
      const help = yield* runMiner(["token", "--help"])
      assert.strictEqual(help.exitCode, 0)
      for (const text of ["--pat", "--github-api-url", "--json", "GITTENSOR_MINER_PAT", "fine-grained", "14 days", "EXAMPLES"]) {
        assert.include(help.stdout, text)
      }
      const ensure = yield* runMiner(["ensure", "--help"])
      for (const text of ["--watch", "--strict", "posted: rejected", "waiting: inconclusive", "DURATION/8", "second signal", "--watch 30m --json"]) {
        assert.include(ensure.stdout, text)
      }
    })
  )
})
