import type { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { Effect, Queue, Runtime } from "effect"
import * as StopSignals from "../src/StopSignals.js"
import { gitHubAnswering, gitHubKnowing, subnet, writeSnapshot } from "./fixture.js"
import { runMiner, tokenCommandDocument } from "./harness.js"

const token = "ghp_watchToken000000000000000000000000001"
const account = { id: 4242, login: "octocat" }

layer(NodeContext.layer, { excludeTestServices: true })("miner ensure --watch against a real validator on loopback", (it) => {
  it.scoped(
    "backs off while GitHub is unreachable here, re-reads the metagraph each round, one line and one JSON line per round, a signal ends the wait",
    () =>
      Effect.gen(function* () {
        const validators = yield* gitHubKnowing(token, account)
        const minersGitHub = yield* gitHubAnswering(token, { status: 503 })
        const net = yield* subnet([{ githubUrl: validators.url }, { githubUrl: validators.url }])
        const serving = net.neurons
        // uid 2 is not serving yet: it is skipped until the snapshot says otherwise.
        yield* writeSnapshot(net.metagraph, serving.map((n) => (n.uid === 2 ? { ...n, axon: { ip: "0.0.0.0", port: 0 } } : n)))
        const signals = yield* Queue.unbounded<StopSignals.StopSignal>()
        const runFork = Runtime.runFork(yield* Effect.runtime<FileSystem.FileSystem>())
        const validatorCallsBy: Array<number> = []
        const onStderr = (line: string) => {
          if (/ round 1: /.test(line)) {
            validatorCallsBy.push(validators.count(token, "user"))
            minersGitHub.reset()
            minersGitHub.allow(token, { ...account, scopes: ["repo"] })
          }
          if (/ round 2: /.test(line)) runFork(writeSnapshot(net.metagraph, serving))
          if (/ round 3: /.test(line)) Queue.unsafeOffer(signals, "SIGTERM")
        }
        const run = yield* runMiner(
          ["ensure", ...net.args, "--pat", token, "--github-api-url", minersGitHub.url, "--watch", "10s", "--timeout", "3", "--json"],
          { signals: StopSignals.layerQueue(signals), onStderr }
        )
        assert.strictEqual(run.exitCode, 0, run.stderr)
        assert.deepStrictEqual(validatorCallsBy, [0], "no validator was called while GitHub was unreachable here")

        const documents = run.stdout.split("\n").map((line) => JSON.parse(line))
        assert.strictEqual(documents.length, 3, "one JSON line per round")
        assert.deepInclude(documents[0], { success: false, total_validators: 0, results: [] })
        assert.match(documents[0].error, /^GitHub is unreachable from here/)
        assert.deepInclude(documents[1], { success: true, total_validators: 1, posted: 1 })
        assert.deepStrictEqual(documents[1].skipped.map((s: { uid: number }) => s.uid), [1, 2])
        assert.deepInclude(documents[2], { success: true, total_validators: 2, kept: 1, posted: 1 })
        assert.deepStrictEqual(
          documents[2].results.map((r: { uid: number; found: string; action: string }) => [r.uid, r.found, r.action]),
          [[0, "valid", "kept"], [2, "no_pat", "posted"]]
        )
        // Each round's own token report: none could be read during the outage, then what GitHub said.
        assert.deepStrictEqual(documents[0].token, { login: null, kind: "unknown", scopes: null, writes: false, expires_at: null, rate_limit: null })
        for (const document of documents.slice(1)) {
          assert.deepStrictEqual(document.token, yield* tokenCommandDocument(token, minersGitHub.url))
          assert.deepInclude(document.token, { login: "octocat", kind: "classic", scopes: ["repo"], writes: true })
        }

        const rounds = run.stderr.split("\n").filter((line) => / round \d: /.test(line))
        assert.strictEqual(rounds.length, 3, run.stderr)
        assert.match(
          rounds[0]!,
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ round 1: GitHub is unreachable from here, so the PAT was not checked and no validator was called; next try in 1s$/
        )
        assert.match(rounds[1]!, / round 2: 1\/1 validators hold a valid PAT; 1 posted: accepted \(uid 0\); next round in (9|10|11)s$/)
        assert.match(rounds[2]!, / round 3: 2\/2 validators hold a valid PAT; 1 kept; 1 posted: accepted \(uid 2\); next round in (9|10|11)s$/)
        // The signal came during the wait after round 3: the watch ends without a round 4.
        assert.strictEqual(run.stderr.split("\n").at(-1), "SIGTERM: stopping.")
        // The token report once, when GitHub first answered, with its scope warning.
        assert.strictEqual(run.stderr.split("GitHub accepts this PAT (login octocat).").length, 2)
        assert.strictEqual(run.stderr.split("Warning: this token's scope repo grants write").length, 2)
        assert.notMatch(run.stderr, /\[\d+\/\d+\]/, "no per-validator progress in a watch")
        assert.notInclude(run.stdout + run.stderr, token)
      }),
    60_000
  )
})
