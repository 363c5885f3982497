import { writeFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { body, call, makeWorld, post, seedStore, signedHeaders, tokenFields, type World } from "./support/world.js"
import { sample } from "./support/prometheus.js"

const get = (world: World, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${world.validator.url}${path}`)
    return { status: response.status, headers: response.headers, text: await response.text() }
  })


// A JSON log line: timestamp, level, message, then each annotation as a field.
type LogLine = Record<string, unknown> & { readonly message: string }

const requestLines = (world: World): ReadonlyArray<LogLine> =>
  world.logs.map((line) => JSON.parse(line) as LogLine).filter((line) => line.message === "request")

describe("operations", () => {
  it.scopedLive("a PAT never reaches a response or a log line, whatever the outcome; logs name it as ***abcd", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const accepted = "ghp_secretAcceptedToken_WXYZ"
      const invalid = "ghp_secretInvalidToken_QRST"
      const transient = "ghp_secretTransientToken_MNOP"
      world.github.allow(accepted, { id: 1, login: "a" })
      world.github.script(transient, "user", { status: 502, body: "down" })
      const texts: Array<string> = []
      for (const token of [accepted, invalid, transient]) {
        const answer = yield* post(
          world,
          "/PatBroadcastSynapse",
          signedHeaders(world, world.miners[0]!, "PatBroadcastSynapse", { timeout: 3 }),
          body("PatBroadcastSynapse", token)
        )
        texts.push(answer.text, JSON.stringify([...answer.headers]))
      }
      const check = yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), body("PatCheckSynapse"))
      texts.push(check.text)
      // A malformed broadcast carrying a token in a bad field must not echo it either.
      const malformed = yield* post(
        world,
        "/PatBroadcastSynapse",
        signedHeaders(world, world.miners[0]!, "PatBroadcastSynapse"),
        JSON.stringify({ github_access_token: accepted, accepted: accepted })
      )
      assert.strictEqual(malformed.status, 400)
      texts.push(malformed.text)
      texts.push((yield* get(world, "/metrics")).text, (yield* get(world, "/healthz")).text)
      for (const token of [accepted, invalid, transient]) {
        for (const text of [...texts, ...world.logs]) assert.notInclude(text, token)
      }
      const pats = requestLines(world).flatMap((line) => (line.pat === undefined ? [] : [line.pat]))
      assert.deepStrictEqual(pats, ["***WXYZ", "***QRST", "***MNOP"])
    }))

  it.scopedLive("one structured log line per request: synapse, uid, hotkey prefix, outcome, GitHub latency, total time", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_logged_request_0001"
      seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: token, github_id: "1" }])
      world.github.allow(token, { id: 1, login: "a" })
      world.github.setLatency(50)
      yield* call(world, "PatCheckSynapse", world.miners[0]!, {})
      yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.stranger, "PatCheckSynapse"), body("PatCheckSynapse"))
      const [ok, refused] = requestLines(world)
      assert.deepInclude(ok!, { synapse: "PatCheckSynapse", uid: 1, outcome: "valid", status: 200 })
      assert.strictEqual(ok!.hotkey, `${world.miners[0]!.address.slice(0, 8)}…`)
      const github = ok!.github_ms as Record<string, number>
      assert.isAtLeast(github.identity!, 45)
      assert.isAtLeast(github["test-query"]!, 45)
      assert.isAtLeast(ok!.total_ms as number, 45)
      assert.deepInclude(refused!, { outcome: "http_403", status: 403 })
      assert.strictEqual(requestLines(world).length, 2)
    }))

  it.scopedLive("/metrics counts requests by synapse × outcome and GitHub calls by endpoint × kind", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const token = "ghp_metrics_token_0001"
      world.github.allow(token, { id: 1, login: "a" })
      yield* call(world, "PatBroadcastSynapse", world.miners[0]!, tokenFields(token))
      yield* call(world, "PatCheckSynapse", world.miners[0]!, {})
      yield* call(world, "PatCheckSynapse", world.miners[1]!, {})
      yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.stranger, "PatCheckSynapse"), body("PatCheckSynapse"))
      const metrics = yield* get(world, "/metrics")
      assert.strictEqual(metrics.status, 200)
      assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/)
      const text = metrics.text
      assert.strictEqual(sample(text, 'gittensor_pat_requests_total{synapse="PatBroadcastSynapse",outcome="accepted"}'), 1)
      assert.strictEqual(sample(text, 'gittensor_pat_requests_total{synapse="PatCheckSynapse",outcome="valid"}'), 1)
      assert.strictEqual(sample(text, 'gittensor_pat_requests_total{synapse="PatCheckSynapse",outcome="no_pat"}'), 1)
      assert.strictEqual(sample(text, 'gittensor_pat_requests_total{synapse="PatCheckSynapse",outcome="http_403"}'), 1)
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="identity",kind="success"}'), 2)
      assert.strictEqual(sample(text, 'gittensor_pat_github_calls_total{endpoint="test-query",kind="success"}'), 2)
      assert.strictEqual(sample(text, 'gittensor_pat_request_duration_seconds_count{synapse="PatCheckSynapse"}'), 3)
      assert.strictEqual(sample(text, "gittensor_pat_shed_total"), 0)
    }))

  it.scopedLive("/healthz: 200 while the store is readable and the metagraph loaded, 503 when the store is not", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const healthy = yield* get(world, "/healthz")
      assert.strictEqual(healthy.status, 200)
      const json = JSON.parse(healthy.text) as { readonly status: string; readonly store: object; readonly metagraph: object }
      assert.strictEqual(json.status, "ok")
      assert.deepInclude(json.store, { readable: true })
      assert.deepInclude(json.metagraph, { loaded: true, neurons: 4 })
      writeFileSync(world.storePath, "garbage")
      const sick = yield* get(world, "/healthz")
      assert.strictEqual(sick.status, 503)
      assert.deepInclude(JSON.parse(sick.text).store, { readable: false })
    }))
})
