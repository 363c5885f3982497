import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { LEFTOVER_BODY_MS } from "../src/http/body.js"
import { body, post, makeWorld, seedStore, signedHeaders, type World } from "./support/world.js"
import { parseAnswer, type RawExchange, rawExchange, requestHead } from "./support/rawHttp.js"

const BAD_SIGNATURE = `0x${"00".repeat(64)}`
const PER_KIND = 100
// The attack of issue 13: a check's headers announcing 2,000 bytes of body, then 9 of them, then nothing.
const DECLARED = 2_000
const SENT = '{"name":"'

type Kind = "unregistered" | "forged" | "signed"

// Each kind meets a different check first: the blacklist, the signature, or none (it waits for its body).
const halfSentHeaders = (world: World, kind: Kind, n: number): Record<string, string> => {
  const uuid = `half-sent-${kind}-${n}`
  const headers =
    kind === "unregistered"
      ? signedHeaders(world, world.stranger, "PatCheckSynapse", { uuid })
      : kind === "forged"
        ? { ...signedHeaders(world, world.miners[1]!, "PatCheckSynapse", { uuid }), bt_header_dendrite_signature: BAD_SIGNATURE }
        : signedHeaders(world, world.miners[2]!, "PatCheckSynapse", { uuid, timeout: 3 })
  return { host: `127.0.0.1:${world.validator.port}`, ...headers, "content-length": String(DECLARED) }
}

const openHalfSent = (world: World, kind: Kind) =>
  Effect.promise(async () => {
    const exchanges = Array.from({ length: PER_KIND }, (_, n) =>
      rawExchange(world.validator.port, requestHead("/PatCheckSynapse", halfSentHeaders(world, kind, n)) + SENT, 8_000)
    )
    await Promise.all(exchanges.map((e) => e.opened))
    return exchanges
  })

const ended = (exchanges: ReadonlyArray<{ readonly done: Promise<RawExchange> }>) =>
  Effect.promise(() => Promise.all(exchanges.map((e) => e.done)))

const assertAnswered = (exchange: RawExchange, status: number, world: World) => {
  const answer = parseAnswer(exchange.received)
  assert.isDefined(answer, `no answer at all: ${JSON.stringify(exchange.received.slice(0, 80))}`)
  assert.strictEqual(answer?.status, status)
  assert.strictEqual(answer?.headers["content-type"], "application/json")
  assert.strictEqual(answer?.headers.bt_header_axon_status_code, String(status))
  assert.strictEqual(answer?.headers.bt_header_axon_hotkey, world.validator.hotkey)
  const message = (answer?.json as { readonly message?: unknown } | undefined)?.message
  assert.isString(message)
  assert.strictEqual(answer?.headers.bt_header_axon_status_message, message)
}

describe("half-sent requests (issue 13 item 1, docs/protocol.md, Body)", () => {
  it.scopedLive(
    "hundreds of connections holding a check's headers and 9 bytes of its body: a legitimate miner keeps getting 200, and each half-sent one is answered and closed by its deadline",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const token = "ghp_legit_during_flood"
        seedStore(world, [{ uid: 1, hotkey: world.miners[0]!.address, pat: token, github_id: "100" }])
        world.github.allow(token, { id: 100, login: "legit" })
        const signed = yield* openHalfSent(world, "signed")
        const unregistered = yield* openHalfSent(world, "unregistered")
        const forged = yield* openHalfSent(world, "forged")
        // Every half-sent request has had its headers checked (signatures cost CPU, which a
        // busy machine may not have at once) before the miner starts; at most 3 s.
        yield* Effect.promise(() => Promise.race([Promise.all([...unregistered, ...forged].map((e) => e.answered)), new Promise((r) => setTimeout(r, 3_000))]))

        // A short timeout makes the front door strict: a few hundred requests counted as
        // load were enough to refuse every check.
        const statuses: Array<number> = []
        for (let n = 0; n < 15; n++) {
          const headers = signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { timeout: 2, uuid: `legit-${n}` })
          statuses.push((yield* post(world, "/PatCheckSynapse", headers, body("PatCheckSynapse"))).status)
          yield* Effect.sleep("100 millis")
        }
        assert.deepStrictEqual(statuses, Array.from({ length: 15 }, () => 200))

        // Refused on their headers; the rest of their body is waited for a few seconds, no more.
        for (const [status, exchanges] of [[403, unregistered], [401, forged]] as const) {
          for (const exchange of yield* ended(exchanges)) {
            assertAnswered(exchange, status, world)
            const heldMs = (exchange.closedAfterMs ?? Number.POSITIVE_INFINITY) - (exchange.answeredAfterMs ?? 0)
            assert.isAtLeast(heldMs, LEFTOVER_BODY_MS / 2)
            assert.isBelow(heldMs, LEFTOVER_BODY_MS + 1_500)
          }
        }
        // Signed, timeout 3 s: the body is waited for until the deadline (3 s − 20 %), then 408 and closed.
        for (const exchange of yield* ended(signed)) {
          assertAnswered(exchange, 408, world)
          assert.isAtLeast(exchange.closedAfterMs ?? 0, 2_000)
          assert.isBelow(exchange.closedAfterMs ?? Number.POSITIVE_INFINITY, 3_000)
        }
      }),
    30_000
  )
})
