import { NodeContext } from "@effect/platform-node"
import { FakeGitHub } from "@gittensor-pat/fake-github"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Interaction from "../src/Interaction.js"
import { flakyProxy, gitHubAnswering, gitHubKnowing, subnet, testKey, unavailableServer, writeSnapshot } from "./fixture.js"
import { type MinerRun, runMiner, tokenCommandDocument } from "./harness.js"

const token = "ghp_ensureToken00000000000000000000000001"
const revoked = "ghp_ensureRevoked000000000000000000000002"
const account = { id: 4242, login: "octocat" }

type Result = { uid: number; found: string; action: string; accepted?: boolean | null; rejection_reason?: string | null; error: string | null }
const results = (run: MinerRun): ReadonlyArray<Result> => JSON.parse(run.stdout).results
const decided = (run: MinerRun) => results(run).map((r) => [r.uid, r.found, r.action])

const assertSecret = (runs: ReadonlyArray<MinerRun>) => {
  for (const run of runs) {
    for (const secret of [token, revoked]) {
      assert.notInclude(run.stdout, secret)
      assert.notInclude(run.stderr, secret)
    }
  }
}

layer(NodeContext.layer, { excludeTestServices: true })("miner ensure against real validators on loopback", (it) => {
  it.scoped(
    "posts only where no working PAT is held; waits on inconclusive (nothing sent); asks a silent validator once more",
    () =>
      Effect.gen(function* () {
        const github = yield* gitHubKnowing(token, account)
        // uid 4's GitHub hangs for this token: its check is inconclusive.
        const hanging = yield* gitHubAnswering(token, "hang")
        const net = yield* subnet([
          { githubUrl: github.url, stored: { pat: token, githubId: "4242" } }, // uid 0: valid → kept
          { githubUrl: github.url }, // uid 2: lost its store → no_pat → posted
          { githubUrl: github.url, stored: { pat: revoked, githubId: "4242" } }, // uid 3: invalid_pat → posted
          { githubUrl: hanging.url, stored: { pat: token, githubId: "4242" } }, // uid 4: inconclusive → waiting
          { githubUrl: github.url } // uid 5: drops the first call, then no_pat → posted
        ])
        const flaky = yield* flakyProxy(net.neurons[5]!.axon.port)
        const unavailable = yield* unavailableServer
        yield* writeSnapshot(net.metagraph, [
          ...net.neurons.slice(0, 5),
          { ...net.neurons[5]!, axon: { ip: "127.0.0.1", port: flaky.port } },
          { uid: 6, hotkey: (yield* testKey(206)).address, stake: 50000, validator_trust: 0.5, axon: { ip: "127.0.0.1", port: unavailable.port } }
        ])
        const args = ["ensure", ...net.args, "--timeout", "3", "--github-api-url", github.url]

        const first = yield* runMiner([...args, "--json", "--pat", token])
        assert.strictEqual(first.exitCode, 1, "uid 4 answered without a valid PAT at the end")
        const doc = JSON.parse(first.stdout)
        assert.deepStrictEqual(Object.keys(doc), ["success", "total_validators", "kept", "posted", "waiting", "unreachable", "skipped", "results", "token"])
        assert.deepStrictEqual(doc.token, yield* tokenCommandDocument(token, github.url))
        assert.deepInclude(doc.token, { login: "octocat", kind: "classic", scopes: [], writes: false, expires_at: null })
        assert.deepInclude(doc, { success: false, total_validators: 6, kept: 1, posted: 3, waiting: 1, unreachable: 1 })
        assert.deepStrictEqual(decided(first), [
          [0, "valid", "kept"],
          [2, "no_pat", "posted"],
          [3, "invalid_pat", "posted"],
          [4, "inconclusive", "waiting"],
          [5, "no_pat", "posted"],
          [6, "no_response", "unreachable"]
        ])
        const rows = results(first)
        assert.deepStrictEqual(rows[0], { uid: 0, hotkey: net.neurons[0]!.hotkey, found: "valid", action: "kept", error: null } as never)
        assert.deepStrictEqual(rows[1], {
          uid: 2,
          hotkey: net.neurons[2]!.hotkey,
          found: "no_pat",
          action: "posted",
          accepted: true,
          rejection_reason: null,
          error: null
        } as never)
        assert.strictEqual(rows[2]?.accepted, true)
        assert.strictEqual(rows[4]?.accepted, true)
        assert.notProperty(rows[3], "accepted")
        assert.strictEqual(rows[5]?.error, "HTTP 503: Service Unavailable")
        assert.strictEqual(flaky.connections(), 3, "uid 5: dropped, asked again, then posted to")
        assert.strictEqual(unavailable.requests(), 2, "uid 6 was asked twice, never posted to")
        // Only the check reached uid 4's GitHub (its two questions, once each): no broadcast was sent there.
        assert.strictEqual(hanging.count(token, "user"), 1)
        assert.strictEqual(hanging.count(token, "graphql"), 1)
        assert.include(first.stderr, "GitHub accepts this PAT (login octocat).")
        assert.include(first.stderr, "Asking again the validators that did not answer: waiting for 2 validator(s)")
        assert.include(first.stderr, "Posting the PAT: waiting for 3 validator(s)")

        // uid 4's GitHub is back: it holds the PAT all along; uid 6 never answered.
        hanging.reset()
        hanging.allow(token, account)
        const check = yield* runMiner(["check", ...net.args, "--timeout", "3", "--json"])
        assert.deepStrictEqual(
          JSON.parse(check.stdout).results.map((r: { uid: number; category: string }) => [r.uid, r.category]),
          [[0, "valid"], [2, "valid"], [3, "valid"], [4, "valid"], [5, "valid"], [6, "no_response"]]
        )
        const table = yield* runMiner(args, { env: { GITTENSOR_MINER_PAT: token } })
        assert.strictEqual(table.exitCode, 0, `every validator that answered holds a valid PAT: ${table.stderr}`)
        assert.match(table.stdout, /^UID\s+HOTKEY\s+FOUND\s+ACTION\s+REASON$/m)
        assert.match(table.stdout, /^4\s+\S+\s+valid\s+kept$/m)
        assert.match(table.stdout, /^6\s+\S+\s+no_response\s+unreachable\s+HTTP 503: Service Unavailable, asked twice$/m)
        assert.strictEqual(
          table.stdout.split("\n").at(-1),
          "5/6 validators hold a valid PAT; 5 kept; 1 unreachable (uid 6) — no answer, even when asked again; it may be down"
        )
        assert.notInclude(table.stderr, "Posting the PAT", "nothing to post, nothing sent")
        assertSecret([first, check, table])
      }),
    60_000
  )

  it.scoped("a rejected broadcast is reported with its reason, and the run fails", () =>
    Effect.gen(function* () {
      const github = yield* gitHubKnowing(token, account)
      // This hotkey pinned another GitHub account on uid 1: the validator refuses the new one.
      const net = yield* subnet([{ githubUrl: github.url, stored: { pat: "ghp_other", githubId: "999" } }])
      const run = yield* runMiner(["ensure", ...net.args, "--pat", token, "--github-api-url", github.url])
      assert.strictEqual(run.exitCode, 1)
      assert.match(
        run.stdout,
        /^0\s+\S+\s+invalid_pat\s+posted: rejected\s+GitHub identity is locked for this hotkey\. Deregister and re-register to change GitHub accounts\.$/m
      )
      assert.strictEqual(run.stdout.split("\n").at(-1), "0/1 validators hold a valid PAT; 1 posted: rejected (uid 0) — see the reason given")
      assertSecret([run])
    })
  )

  it.scoped("the local pre-check first: a token GitHub refuses stops before any validator is called", () =>
    Effect.gen(function* () {
      const validators = yield* gitHubKnowing(token, account)
      const refusing = yield* FakeGitHub.scoped
      const net = yield* subnet([{ githubUrl: validators.url }])
      const run = yield* runMiner(["ensure", ...net.args, "--pat", token, "--github-api-url", refusing.url, "--json"])
      assert.strictEqual(run.exitCode, 1)
      assert.include(run.stderr, "GitHub rejected this PAT: GitHub /user returned 401")
      assert.deepStrictEqual(JSON.parse(run.stdout), {
        success: false,
        total_validators: 0,
        kept: 0,
        posted: 0,
        waiting: 0,
        unreachable: 0,
        skipped: [],
        results: [],
        // The local check ran: what it could read of the token (nothing, GitHub refused it) is there.
        token: { login: null, kind: "unknown", scopes: null, writes: false, expires_at: null, rate_limit: null },
        error: JSON.parse(run.stdout).error
      })
      assert.match(JSON.parse(run.stdout).error, /^GitHub rejected this PAT/)
      assert.strictEqual(validators.count(token, "user"), 0, "no validator was asked anything")
    })
  )

  it.scoped("GitHub unreachable here: nothing to post needs no answer; something to post asks first (--yes agrees)", () =>
    Effect.gen(function* () {
      const validators = yield* gitHubKnowing(token, account)
      const down = yield* gitHubAnswering(token, { status: 503 })
      const net = yield* subnet([{ githubUrl: validators.url, stored: { pat: token, githubId: "4242" } }, { githubUrl: validators.url }])
      const args = ["ensure", ...net.args, "--pat", token, "--github-api-url", down.url]

      const unattended = yield* runMiner(args)
      assert.strictEqual(unattended.exitCode, 1)
      assert.include(unattended.stderr, "Token: kind unknown (GitHub gave no answer to read it from)")
      assert.include(unattended.stderr, "nothing was sent")
      assert.include(unattended.stderr, "--yes")
      const declined = yield* runMiner(args, { interaction: Interaction.layerScripted({ confirm: false }) })
      assert.strictEqual(declined.exitCode, 1)
      assert.strictEqual(validators.count(token, "graphql"), 2, "uid 0's check in each run, and no broadcast to uid 2")

      // --strict sends only a token GitHub has shown cannot write: --yes does not override it.
      const strict = yield* runMiner([...args, "--strict", "--yes", "--json"])
      assert.strictEqual(strict.exitCode, 1)
      assert.include(strict.stderr, "GitHub is unreachable from here (outage, rate limit or network), so nothing can be said about the token yet and nothing was sent")
      // The local check ran and read nothing: kind unknown, which is why --strict sent nothing.
      assert.deepInclude(JSON.parse(strict.stdout), { success: false, results: [] })
      assert.deepStrictEqual(JSON.parse(strict.stdout).token, yield* tokenCommandDocument(token, down.url))
      assert.strictEqual(JSON.parse(strict.stdout).token.kind, "unknown")
      assert.strictEqual(validators.count(token, "graphql"), 3, "one more check of uid 0, still no broadcast")

      const yes = yield* runMiner([...args, "--yes"])
      assert.strictEqual(yes.exitCode, 0, yes.stderr)
      assert.match(yes.stdout, /^2\s+\S+\s+no_pat\s+posted: accepted$/m)

      // Now both hold it: nothing to post, so no question even without --yes.
      const quiet = yield* runMiner(args)
      assert.strictEqual(quiet.exitCode, 0, quiet.stderr)
      assert.notInclude(quiet.stderr, "Broadcast it anyway")
      assert.strictEqual(quiet.stdout.split("\n").at(-1), "2/2 validators hold a valid PAT; 2 kept")
    })
  )

  it.scoped("the token report comes first; --strict refuses a token that can write, fine-grained tokens are said so", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.scoped
      github.allow(token, { ...account, scopes: ["repo", "read:org", "workflow"], expiresAt: "2099-01-01 00:00:00 UTC" })
      const fineGrained = "github_pat_11ENSURE0000000000000000000000000000003"
      github.allow(fineGrained, { ...account, scopes: null })
      const net = yield* subnet([{ githubUrl: github.url }])
      const args = ["ensure", ...net.args, "--github-api-url", github.url]

      const strict = yield* runMiner([...args, "--pat", token, "--strict", "--json"])
      assert.strictEqual(strict.exitCode, 1)
      assert.include(strict.stderr, "Nothing was sent (--strict): this token's scopes repo, workflow grant write or admin rights on GitHub.")
      assert.include(strict.stderr, "Tokens (classic) → Generate new token (classic) with no scope ticked")
      assert.deepInclude(JSON.parse(strict.stdout), { success: false, posted: 0, results: [] })
      // Refused for its scopes: the document shows them, as `miner token --json` would.
      assert.deepInclude(JSON.parse(strict.stdout).token, {
        login: "octocat",
        kind: "classic",
        scopes: ["repo", "read:org", "workflow"],
        writes: true,
        expires_at: "2099-01-01T00:00:00.000Z"
      })
      assert.strictEqual(github.count(token, "user"), 1, "only the local check")
      assert.deepStrictEqual(JSON.parse(strict.stdout).token, yield* tokenCommandDocument(token, github.url))

      const warned = yield* runMiner([...args, "--pat", token])
      assert.strictEqual(warned.exitCode, 0, warned.stderr)
      const lines = warned.stderr.split("\n")
      const tokenLine = lines.findIndex((line) => line.startsWith("Token: classic, scopes: repo, read:org, workflow; expires 2099-01-01 00:00 UTC"))
      const warning = lines.findIndex((line) => line.startsWith("Warning: this token's scopes repo, workflow grant write or admin rights"))
      const posting = lines.findIndex((line) => line.startsWith("Posting the PAT"))
      assert.isTrue(tokenLine >= 0 && warning > tokenLine && posting > warning, "the report and its warning come before anything is sent")
      assert.isTrue(lines[warning]?.endsWith("and post that one."), lines[warning])

      const fine = yield* runMiner([...args, "--pat", fineGrained, "--strict"])
      assert.strictEqual(fine.exitCode, 0, fine.stderr)
      const fineJson = yield* runMiner([...args, "--pat", fineGrained, "--json"])
      assert.deepInclude(JSON.parse(fineJson.stdout), { success: true, kept: 1 })
      assert.deepInclude(JSON.parse(fineJson.stdout).token, { login: "octocat", kind: "fine-grained", scopes: null, writes: false })
      assert.notInclude(fineJson.stdout + fineJson.stderr, fineGrained)
      assert.include(fine.stderr, "Token: fine-grained (GitHub does not show its permissions: give it read-only access only)")
      assert.notInclude(fine.stderr, "Warning:")
      assertSecret([strict, warned, fine])
      assert.notInclude(fine.stdout + fine.stderr, fineGrained)
    })
  )

  it.scoped("bad --watch values are bad usage (exit 2), as JSON too", () =>
    Effect.gen(function* () {
      const net = yield* subnet([{ githubUrl: "http://127.0.0.1:9" }])
      for (const [value, message] of [
        ["soon", "--watch needs a duration such as 90s, 30m, 1h or 1h30m (got 'soon')."],
        ["30", "--watch needs a duration such as 90s, 30m, 1h or 1h30m (got '30')."],
        ["5s", "--watch must be at least 10s (got '5s')"]
      ] as const) {
        const run = yield* runMiner(["ensure", ...net.args, "--pat", token, "--watch", value, "--json"])
        assert.strictEqual(run.exitCode, 2, value)
        assert.include(run.stderr, message)
        assert.include(JSON.parse(run.stdout).error, message)
        assert.strictEqual(JSON.parse(run.stdout).token, null, "no local check ran")
      }
    })
  )
})
