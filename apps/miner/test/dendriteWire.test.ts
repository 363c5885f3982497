import { dendriteNonceDigits, serveFakeAxon } from "@gittensor-pat/axon/testing"
import { PatBroadcastSynapse, PatCheckSynapse } from "@gittensor-pat/axon"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { NodeContext } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { Effect, Redacted, Schema } from "effect"
import { subnet, testKey, writeSnapshot } from "./fixture.js"
import { runMiner } from "./harness.js"

const token = "ghp_wireToken00000000000000000000000000001"

// What the miner's requests look like on the wire, read by an axon that records them raw.
layer(NodeContext.layer, { excludeTestServices: true })("the miner's requests as a dendrite sends them", (it) => {
  it.scoped("post and check: the body's nonce has the header's digits; no b3 or traceparent header", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.scoped
      github.allow(token, { id: 4242, login: "octocat" })
      const net = yield* subnet([{ githubUrl: github.url }])
      // uid 0's hotkey is testKey(100): the recording axon answers in its place.
      const axon = yield* serveFakeAxon({
        keypair: yield* testKey(100),
        answer: (request) => ({
          status: 200,
          body: request.path === "/PatBroadcastSynapse"
            ? Schema.encodeSync(PatBroadcastSynapse)(PatBroadcastSynapse.make({ github_access_token: Redacted.make(""), accepted: true }))
            : Schema.encodeSync(PatCheckSynapse)(PatCheckSynapse.make({ has_pat: true, pat_valid: true }))
        })
      })
      yield* writeSnapshot(
        net.metagraph,
        net.neurons.map((n) => (n.uid === 0 ? { ...n, axon: { ip: "127.0.0.1", port: axon.port } } : n))
      )
      const flags = [...net.args, "--pat", token, "--json", "--timeout", "3", "--github-api-url", github.url]
      for (const command of ["post", "check"]) {
        const run = yield* runMiner([command, ...flags])
        assert.strictEqual(run.exitCode, 0, run.stderr)
      }
      assert.deepStrictEqual(axon.requests.map((r) => r.path), ["/PatBroadcastSynapse", "/PatCheckSynapse"])
      for (const request of axon.requests) {
        assert.isTrue(request.signatureValid)
        const header = request.rawHeaders.bt_header_dendrite_nonce!
        assert.isFalse(Number.isSafeInteger(Number(header)), `a nanosecond nonce is beyond 2^53: ${header}`)
        assert.strictEqual(dendriteNonceDigits(request.rawBody), header)
        assert.notProperty(request.rawHeaders, "b3")
        assert.notProperty(request.rawHeaders, "traceparent")
      }
    })
  )
})
