import { FakeGitHub } from "@gittensor-pat/fake-github"
import { NodeContext } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { runMiner } from "./harness.js"
import { silentServer, subnet, testKey, writeSnapshot } from "./fixture.js"

const token = "ghp_checkToken000000000000000000000000001"
const revoked = "ghp_revokedToken0000000000000000000000002"

layer(NodeContext.layer, { excludeTestServices: true })("miner check against real validators on loopback", (it) => {
  it.scoped("files every validator's answer in its category, as a table and as --json", () =>
    Effect.gen(function* () {
      const good = yield* FakeGitHub.scoped
      good.allow(token, { id: 4242, login: "octocat" })
      const down = yield* FakeGitHub.scoped
      down.script(token, "user", { status: 503 })
      down.script(token, "graphql", { status: 503 })
      const net = yield* subnet([
        { githubUrl: good.url, stored: { pat: token, githubId: "4242" } }, // uid 0: valid
        { githubUrl: good.url }, // uid 2: no_pat
        { githubUrl: good.url, stored: { pat: revoked, githubId: "4242" } }, // uid 3: invalid_pat
        { githubUrl: down.url, stored: { pat: token, githubId: "4242" } } // uid 4: inconclusive
      ])
      const silentPort = yield* silentServer
      const silentKey = yield* testKey(200)
      yield* writeSnapshot(net.metagraph, [
        ...net.neurons,
        { uid: 5, hotkey: silentKey.address, stake: 50000, validator_trust: 0.5, axon: { ip: "127.0.0.1", port: silentPort } },
        { uid: 6, hotkey: (yield* testKey(201)).address, stake: 10, validator_trust: 0.9, axon: { ip: "127.0.0.1", port: 1 } }
      ])

      const started = Date.now()
      const json = yield* runMiner(["check", ...net.args, "--timeout", "3", "--json", "--pat", token, "--github-api-url", good.url])
      const elapsed = Date.now() - started
      assert.strictEqual(json.exitCode, 0, json.stderr)
      assert.isBelow(elapsed, 3000 + 2500, "the silent validator is given up on after --timeout")
      const doc = JSON.parse(json.stdout)
      assert.deepStrictEqual(
        doc.results.map((r: { uid: number; category: string }) => [r.uid, r.category]),
        [[0, "valid"], [2, "no_pat"], [3, "invalid_pat"], [4, "inconclusive"], [5, "no_response"]]
      )
      assert.deepInclude(doc, { success: true, total_validators: 5, valid: 1, no_pat: 1, invalid_pat: 1, inconclusive: 1, no_response: 1 })
      assert.deepStrictEqual(doc.results[3], {
        uid: 4,
        hotkey: net.neurons[4]!.hotkey,
        has_pat: true,
        pat_valid: null,
        rejection_reason: "GitHub API temporarily unavailable; retry the check in a few minutes.",
        category: "inconclusive",
        error: null
      })
      assert.strictEqual(doc.results[2].rejection_reason, "No Github id found for miner 1's PAT")
      assert.strictEqual(doc.results[1].rejection_reason, "No PAT stored for this miner")
      assert.match(doc.results[4].error, /no answer within 3 s/)
      assert.deepStrictEqual(
        doc.skipped.map((s: { uid: number; reason: string }) => [s.uid, s.reason]),
        [[1, "validator_trust 0 ≤ 0.25; axon not serving (0.0.0.0:0); stake 0 < 15000"], [6, "stake 10 < 15000"]]
      )
      assert.match(json.stderr, /\[5\/5\]/, "progress goes to stderr")
      assert.include(json.stderr, "GitHub accepts this PAT here (login octocat): validators reporting no_pat or invalid_pat")

      const table = yield* runMiner(["check", ...net.args, "--timeout", "3"], { env: { GITTENSOR_MINER_PAT: token, GITTENSOR_GITHUB_API_URL: good.url } })
      assert.strictEqual(table.exitCode, 0)
      assert.match(table.stdout, /^UID\s+HOTKEY\s+STATUS\s+REASON/)
      assert.match(table.stdout, /^4\s+\S+\s+inconclusive\s+GitHub API temporarily unavailable/m)
      assert.notMatch(table.stdout, /\[\d\/\d\]/, "no progress on stdout")
      assert.strictEqual(
        table.stdout.split("\n").at(-1),
        "1/5 validators hold a valid PAT; 1 inconclusive — GitHub was unavailable to them, retry later; 1 holds an invalid PAT — post a working one with `pnpm miner post`; 1 holds no PAT for this hotkey — run `pnpm miner post`; 1 did not answer — they may be down; retry later"
      )
      for (const output of [json.stdout, json.stderr, table.stdout, table.stderr]) {
        assert.notInclude(output, token)
        assert.notInclude(output, revoked)
      }
    })
  )

  it.scoped("exits 1 when no validator holds a valid PAT, and says why", () =>
    Effect.gen(function* () {
      const down = yield* FakeGitHub.scoped
      down.script(token, "user", { status: 502 })
      const net = yield* subnet([
        { githubUrl: down.url, stored: { pat: token, githubId: "4242" } },
        { githubUrl: down.url },
        { githubUrl: down.url, knowsMiner: false }
      ])
      const closedPort = yield* Effect.scoped(silentServer)
      yield* writeSnapshot(net.metagraph, [
        ...net.neurons,
        { uid: 4, hotkey: (yield* testKey(202)).address, stake: 1, validator_trust: 1, axon: { ip: "127.0.0.1", port: closedPort } }
      ])
      const run = yield* runMiner(["check", ...net.args, "--min-stake", "0", "--pat", revoked, "--github-api-url", down.url])
      assert.strictEqual(run.exitCode, 1)
      assert.match(run.stdout, /^3\s+\S+\s+no_response\s+HTTP 403: Forbidden. Key is blacklisted: Hotkey \S+\.\.\. not registered\.$/m)
      assert.match(run.stdout, /^4\s+\S+\s+no_response\s+could not connect/m)
      assert.include(run.stderr, "GitHub refuses this PAT here too (GitHub /user returned 401)")
      assert.strictEqual(
        run.stdout.split("\n").at(-1),
        "0/4 validators hold a valid PAT; 1 inconclusive — GitHub was unavailable to them, retry later; 1 holds no PAT for this hotkey — run `pnpm miner post`; 2 did not answer — they may be down; retry later"
      )
    })
  )
})
