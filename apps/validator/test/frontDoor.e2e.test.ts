import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Refusals } from "../src/http/refusals.js"
import { freshNonce, makeWorld, post, seedStore, signedHeaders, type World } from "./support/world.js"

const BAD_SIGNATURE = `0x${"00".repeat(64)}`

const metricsText = (world: World) => Effect.promise(() => fetch(`${world.validator.url}/metrics`).then((r) => r.text()))

interface Ending {
  readonly miner: number
  readonly status: number | "timeout"
  readonly ms: number
}

// One caller: sends, waits for the answer (or gives up at the timeout, as a dendrite does), sends again.
const closedLoop = (world: World, miner: number, worker: number, timeout: number, untilMs: number) =>
  Effect.promise(async () => {
    const endings: Array<Ending> = []
    for (let n = 0; performance.now() < untilMs; n++) {
      const headers = signedHeaders(world, world.miners[miner]!, "PatCheckSynapse", { timeout, uuid: `loop-${miner}-${worker}-${n}` })
      const started = performance.now()
      const status = await fetch(`${world.validator.url}/PatCheckSynapse`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: "PatCheckSynapse", timeout }),
        signal: AbortSignal.timeout(timeout * 1_000)
      }).then(
        async (response) => {
          await response.arrayBuffer()
          return response.status
        },
        () => "timeout" as const
      )
      endings.push({ miner, status, ms: performance.now() - started })
    }
    return endings
  })

describe("front door (docs/protocol.md, Admission under load: shed rather than time out)", () => {
  it.scopedLive("a request that can no longer be answered in time gets the 503 at once, before its body or signature is looked at", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      // Sent 3 s ago with a 2 s timeout: its caller's time is gone before it arrives.
      const late = { ...signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { nonce: freshNonce() - 3_000_000_000n, timeout: 2 }), bt_header_dendrite_signature: BAD_SIGNATURE }
      const answer = yield* post(world, "/PatCheckSynapse", late, "{not json")
      assert.strictEqual(answer.status, 503)
      assert.strictEqual(answer.headers.get("content-type"), "application/json")
      assert.deepStrictEqual(answer.json, { message: Refusals.shed.message })
      assert.strictEqual(answer.headers.get("bt_header_axon_status_code"), "503")
      assert.strictEqual(answer.headers.get("bt_header_axon_status_message"), Refusals.shed.message)
      assert.strictEqual(answer.headers.get("bt_header_axon_hotkey"), world.validator.hotkey)
      assert.isTrue(Number.isFinite(Number(answer.headers.get("bt_header_axon_process_time"))))
      const metrics = yield* metricsText(world)
      assert.include(metrics, "gittensor_pat_shed_total 1")
      assert.include(metrics, 'outcome="http_503"')
      // Like every answer, the refusal has its own request line (issue 7: one line per request).
      yield* Effect.sleep("20 millis")
      const line = world.logs.map((text) => JSON.parse(text)).find((record) => record.status === 503)
      assert.deepInclude(line, { synapse: "PatCheckSynapse", outcome: "http_503", uid: 1, reason: Refusals.shed.message })
      assert.strictEqual(line?.hotkey, `${world.miners[0]!.address.slice(0, 8)}…`)
      // The query aside, as the route itself matches it.
      const lateAgain = { ...late, bt_header_dendrite_uuid: "late-with-query" }
      assert.strictEqual((yield* post(world, "/PatCheckSynapse?from=test", lateAgain, "{not json")).status, 503)
      // With its time intact the same forgery meets the signature check, in the order of docs/protocol.md, "Order of checks".
      const fresh = { ...signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { timeout: 2 }), bt_header_dendrite_signature: BAD_SIGNATURE }
      assert.strictEqual((yield* post(world, "/PatCheckSynapse", fresh, "{not json")).status, 401)
    }))

  it.scopedLive("a sustained closed loop of many callers against two slots: every request answered (200 or 503) before its timeout, high stake served first", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld({ maxConcurrency: 2, stakes: [0, 10, 5_000] })
      const tokens = world.miners.map((_, i) => `ghp_front_door_${i}0000`)
      seedStore(world, tokens.map((pat, i) => ({ uid: i + 1, hotkey: world.miners[i]!.address, pat, github_id: String(100 + i) })))
      for (const [i, token] of tokens.entries()) world.github.allow(token, { id: 100 + i, login: `m${i}` })
      world.github.setLatency(300)
      const timeout = 2
      const until = performance.now() + 2_500
      const callers = Array.from({ length: 48 }, (_, w) => closedLoop(world, w % 3, w, timeout, until))
      const endings = (yield* Effect.all(callers, { concurrency: "unbounded" })).flat()
      const statuses = new Set(endings.map((e) => e.status))
      assert.isFalse(statuses.has("timeout"), `${endings.filter((e) => e.status === "timeout").length} of ${endings.length} timed out`)
      assert.deepStrictEqual([...statuses].sort(), [200, 503])
      for (const ending of endings) assert.isBelow(ending.ms, timeout * 1_000)
      const served = (miner: number) => endings.filter((e) => e.miner === miner && e.status === 200).length
      assert.isAbove(served(2), served(0), `served by stake: 0 → ${served(0)}, 10 → ${served(1)}, 5000 → ${served(2)}`)
    }))
})
