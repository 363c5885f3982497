import { FakeGitHub } from "@gittensor-pat/fake-github"
import { NodeContext } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Interaction from "../src/Interaction.js"
import { silentServer, subnet, testKey, writeSnapshot } from "./fixture.js"
import { type MinerRun, runMiner, tokenCommandDocument } from "./harness.js"

const token = "ghp_postToken0000000000000000000000000001"
const stranger = "ghp_postStranger00000000000000000000000002"

const categories = (run: MinerRun) =>
  JSON.parse(run.stdout).results.map((r: { uid: number; category: string }) => [r.uid, r.category])

const assertSecret = (runs: ReadonlyArray<MinerRun>) => {
  for (const run of runs) {
    for (const secret of [token, stranger]) {
      assert.notInclude(run.stdout, secret)
      assert.notInclude(run.stderr, secret)
    }
  }
}

layer(NodeContext.layer, { excludeTestServices: true })("miner post against real validators on loopback", (it) => {
  it.scoped("broadcasts concurrently: accepted, rejected and no_response, then check sees it stored", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.scoped
      github.allow(token, { id: 4242, login: "octocat" })
      const net = yield* subnet([
        { githubUrl: github.url },
        // this hotkey already pinned another GitHub account on uid 1
        { githubUrl: github.url, stored: { pat: "ghp_other", githubId: "999" } }
      ])
      const silentPort = yield* silentServer
      yield* writeSnapshot(net.metagraph, [
        ...net.neurons,
        { uid: 3, hotkey: (yield* testKey(200)).address, stake: 20000, validator_trust: 0.3, axon: { ip: "127.0.0.1", port: silentPort } }
      ])
      const post = yield* runMiner(["post", ...net.args, "--pat", token, "--json", "--timeout", "2", "--github-api-url", github.url])
      assert.strictEqual(post.exitCode, 0, post.stderr)
      const doc = JSON.parse(post.stdout)
      assert.deepInclude(doc, { success: true, github_login: "octocat", total_validators: 3, accepted: 1, rejected: 1, no_response: 1 })
      assert.deepStrictEqual(categories(post), [[0, "accepted"], [2, "rejected"], [3, "no_response"]])
      assert.deepStrictEqual(
        doc.results[1],
        {
          uid: 2,
          hotkey: net.neurons[2]!.hotkey,
          accepted: false,
          rejection_reason: "GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts.",
          category: "rejected",
          error: null
        }
      )
      const check = yield* runMiner(["check", ...net.args, "--json", "--timeout", "2"])
      assert.deepStrictEqual(categories(check), [[0, "valid"], [2, "invalid_pat"], [3, "no_response"]])
      assertSecret([post, check])
    })
  )

  it.scoped("a PAT GitHub refuses stops before any validator is called (exit 1, with the reason)", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.scoped
      github.script(token, "graphql", { status: 200, json: { data: { viewer: null } } })
      github.script(token, "user", { status: 200, json: { id: 4242, login: "octocat" } })
      const net = yield* subnet([{ githubUrl: github.url }])
      const post = yield* runMiner(["post", ...net.args, "--pat", token, "--github-api-url", github.url])
      assert.strictEqual(post.exitCode, 1)
      assert.include(post.stderr, "GitHub rejected this PAT: PAT test query failed: Fine-grained PATs need 'Public Repositories (read-only)' permission")
      assert.strictEqual(post.stdout, "")
      assert.strictEqual(github.count(token, "user"), 1, "only the local check asked GitHub")
      const json = yield* runMiner(["post", ...net.args, "--pat", token, "--github-api-url", github.url, "--json"])
      assert.strictEqual(json.exitCode, 1)
      assert.deepInclude(JSON.parse(json.stdout), { success: false, total_validators: 0, results: [] })
      assertSecret([post, json])
    })
  )

  it.scoped("GitHub unreachable locally: asks before broadcasting; --yes and --json go ahead", () =>
    Effect.gen(function* () {
      const validatorsGitHub = yield* FakeGitHub.scoped
      validatorsGitHub.allow(token, { id: 4242, login: "octocat" })
      const minersGitHub = yield* FakeGitHub.scoped
      minersGitHub.script(token, "user", { status: 503 })
      minersGitHub.script(token, "graphql", { status: 503 })
      const net = yield* subnet([{ githubUrl: validatorsGitHub.url }])
      const args = ["post", ...net.args, "--github-api-url", minersGitHub.url]
      const env = { GITTENSOR_MINER_PAT: token }

      const unattended = yield* runMiner(args, { env })
      assert.strictEqual(unattended.exitCode, 1)
      assert.include(unattended.stderr, "GitHub is unreachable")
      assert.include(unattended.stderr, "--yes")
      assert.notInclude(unattended.stderr, "rejected")
      assert.strictEqual(validatorsGitHub.count(token, "user"), 0, "nothing was broadcast")

      const declined = yield* runMiner(args, { env, interaction: Interaction.layerScripted({ confirm: false }) })
      assert.strictEqual(declined.exitCode, 1)
      assert.include(declined.stderr, "Nothing was sent")
      assert.strictEqual(validatorsGitHub.count(token, "user"), 0)

      const confirmed = yield* runMiner(args, { env, interaction: Interaction.layerScripted({ confirm: true }) })
      assert.strictEqual(confirmed.exitCode, 0, confirmed.stderr)
      assert.match(confirmed.stdout, /^0\s+\S+\s+accepted/m)

      const yes = yield* runMiner([...args, "--yes"], { env })
      assert.strictEqual(yes.exitCode, 0, yes.stderr)
      const json = yield* runMiner([...args, "--json"], { env })
      assert.strictEqual(json.exitCode, 0, json.stderr)
      assert.deepInclude(JSON.parse(json.stdout), { success: true, github_login: null, accepted: 1 })
      // The local check ran but GitHub gave nothing to read: the report says so rather than being absent.
      assert.deepStrictEqual(JSON.parse(json.stdout).token, yield* tokenCommandDocument(token, minersGitHub.url))
      assert.deepInclude(JSON.parse(json.stdout).token, { login: null, kind: "unknown", scopes: null, rate_limit: null })
      assertSecret([unattended, declined, confirmed, yes, json])
    })
  )

  it.scoped("the PAT comes from --pat over the environment, else a hidden prompt, else it is bad usage", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.scoped
      github.allow(token, { id: 4242, login: "octocat" })
      const net = yield* subnet([{ githubUrl: github.url }])
      const args = ["post", ...net.args, "--github-api-url", github.url, "--json"]

      const flagWins = yield* runMiner([...args, "--pat", token], { env: { GITTENSOR_MINER_PAT: "ghp_wrong" } })
      assert.strictEqual(flagWins.exitCode, 0, flagWins.stderr)

      const prompted = yield* runMiner(args, { interaction: Interaction.layerScripted({ pat: Redacted.make(`${token}\n`) }) })
      assert.strictEqual(prompted.exitCode, 0, prompted.stderr)
      assert.strictEqual(JSON.parse(prompted.stdout).github_login, "octocat")

      const missing = yield* runMiner(args)
      assert.strictEqual(missing.exitCode, 2)
      assert.include(missing.stderr, "GITTENSOR_MINER_PAT")
      assert.deepInclude(JSON.parse(missing.stdout), { success: false, github_login: null, token: null })
      assertSecret([flagWins, prompted, missing])
    })
  )

  it.scoped("--json carries the token report as `miner token --json` prints it, never the token", () =>
    Effect.gen(function* () {
      const reset = 1_900_000_000
      const github = yield* FakeGitHub.scoped
      github.allow(token, {
        id: 4242,
        login: "octocat",
        scopes: ["public_repo", "read:user"],
        expiresAt: "2099-06-01 00:00:00 UTC",
        rateLimit: { limit: 5000, remaining: 4321, reset }
      })
      const net = yield* subnet([{ githubUrl: github.url }])
      const args = ["post", ...net.args, "--github-api-url", github.url, "--json"]

      const post = yield* runMiner([...args, "--pat", token])
      assert.strictEqual(post.exitCode, 0, post.stderr)
      const doc = JSON.parse(post.stdout)
      assert.deepStrictEqual(Object.keys(doc), [
        "success", "github_login", "total_validators", "accepted", "rejected", "no_response", "skipped", "results", "token"
      ])
      assert.deepStrictEqual(doc.token, {
        login: "octocat",
        kind: "classic",
        scopes: ["public_repo", "read:user"],
        writes: true,
        expires_at: "2099-06-01T00:00:00.000Z",
        rate_limit: { limit: 5000, remaining: 4321, reset_at: new Date(reset * 1000).toISOString() }
      })
      assert.deepStrictEqual(doc.token, yield* tokenCommandDocument(token, github.url))
      assert.strictEqual(doc.github_login, doc.token.login)

      // GitHub refuses this one: nothing is sent, and the document still holds what the check read.
      const refused = yield* runMiner([...args, "--pat", stranger])
      assert.strictEqual(refused.exitCode, 1)
      assert.deepInclude(JSON.parse(refused.stdout), { success: false, total_validators: 0, github_login: null })
      assert.deepStrictEqual(JSON.parse(refused.stdout).token, yield* tokenCommandDocument(stranger, github.url))
      assert.strictEqual(JSON.parse(refused.stdout).token.kind, "unknown")
      assert.strictEqual(github.count(stranger, "user"), 2, "once by post, once by token: no validator was asked")
      assertSecret([post, refused])
    })
  )
})
