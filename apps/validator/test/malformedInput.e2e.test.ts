import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Refusals } from "../src/http/refusals.js"
import { parseAnswer, rawRequest, requestHead } from "./support/rawHttp.js"
import { body, makeWorld, post, signedHeaders, type World } from "./support/world.js"

// The error shape of docs/protocol.md, "Answers", on an answer read off a raw socket.
const assertJsonError = (world: World, received: string, status: number, message?: RegExp) => {
  const answer = parseAnswer(received)
  assert.isDefined(answer, `no answer: ${JSON.stringify(received.slice(0, 120))}`)
  assert.strictEqual(answer?.status, status, received.slice(0, 200))
  assert.strictEqual(answer?.headers["content-type"], "application/json")
  const text = (answer?.json as { readonly message?: unknown } | undefined)?.message
  assert.isString(text)
  if (message !== undefined) assert.match(text as string, message)
  assert.strictEqual(answer?.headers.bt_header_axon_status_code, String(status))
  assert.strictEqual(answer?.headers.bt_header_axon_status_message, text)
  assert.strictEqual(answer?.headers.bt_header_axon_hotkey, world.validator.hotkey)
  assert.isTrue(Number.isFinite(Number(answer?.headers.bt_header_axon_process_time)))
}

const host = (world: World) => `Host: 127.0.0.1:${world.validator.port}\r\n`

describe("a signed body nested deep (issue 13 item 10)", () => {
  it.scopedLive("is refused 400 naming the field, at any depth the body limit lets through; deeper is 413", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      // 32,000 levels is as deep as 64 KiB of brackets goes.
      for (const depth of [3_000, 32_000]) {
        const nested = `${"[".repeat(depth)}${"]".repeat(depth)}`
        const check = yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), `{"name":"PatCheckSynapse","dendrite":${nested}}`)
        assert.strictEqual(check.status, 400, check.text.slice(0, 200))
        assert.deepStrictEqual(check.json, { message: Refusals.badFields("dendrite").message })
        const broadcast = yield* post(world, "/PatBroadcastSynapse", signedHeaders(world, world.miners[0]!, "PatBroadcastSynapse"), `{"github_access_token":${nested}}`)
        assert.strictEqual(broadcast.status, 400, broadcast.text.slice(0, 200))
        assert.deepStrictEqual(broadcast.json, { message: Refusals.badFields("github_access_token").message })
      }
      const deepest = `{"dendrite":${"[".repeat(100_000)}${"]".repeat(100_000)}}`
      assert.strictEqual((yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), deepest)).status, 413)
      // The validator is still serving.
      assert.strictEqual((yield* post(world, "/PatCheckSynapse", signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), body("PatCheckSynapse"))).status, 200)
    }))
})

describe("requests Node's HTTP parser refuses (issue 13 item 11, docs/protocol.md, Status codes)", () => {
  it.scopedLive("bad header bytes, duplicate or conflicting Content-Length, oversized headers: JSON answers with the axon headers, then the connection closes", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const start = `POST /PatCheckSynapse HTTP/1.1\r\n${host(world)}`
      const cases: ReadonlyArray<readonly [string, string, number, RegExp]> = [
        ["NUL in a header value", `${start}x-test: a\0b\r\nContent-Length: 0\r\n\r\n`, 400, /^Malformed HTTP request: /],
        ["CR in a header value", `${start}x-test: a\rb\r\nContent-Length: 0\r\n\r\n`, 400, /^Malformed HTTP request: /],
        ["LF in a header value", `${start}x-test: a\nb\r\nContent-Length: 0\r\n\r\n`, 400, /^Malformed HTTP request: /],
        ["duplicate Content-Length", `${start}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}`, 400, /Content-Length/],
        ["Transfer-Encoding with Content-Length", `${start}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`, 400, /Content-Length/],
        ["a 60 KB header", `${start}x-test: ${"x".repeat(60_000)}\r\nContent-Length: 0\r\n\r\n`, 431, /^Request headers too large/],
        ["a malformed request line", `P@ST /PatCheckSynapse HTTP/1.1\r\n${host(world)}\r\n`, 400, /^Malformed HTTP request: /]
      ]
      for (const [label, bytes, status, message] of cases) {
        const exchange = yield* rawRequest(world.validator.port, bytes)
        assert.isDefined(exchange.closedAfterMs, `${label}: the connection stayed open`)
        assertJsonError(world, exchange.received, status, message)
      }
    }))

  it.scopedLive("no Host header: 400 as JSON; an unknown Expect: 417 as JSON; Expect: 100-continue still served", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const text = body("PatCheckSynapse")
      const signed = (uuid: string) => ({ ...signedHeaders(world, world.miners[0]!, "PatCheckSynapse", { uuid }), "content-length": String(text.length) })
      const hostless = yield* rawRequest(world.validator.port, requestHead("/PatCheckSynapse", signed("no-host")) + text)
      assertJsonError(world, hostless.received, 400, /Host/)
      assert.isDefined(hostless.closedAfterMs)
      const hostlessHealth = yield* rawRequest(world.validator.port, "GET /healthz HTTP/1.1\r\n\r\n")
      assertJsonError(world, hostlessHealth.received, 400, /Host/)

      const withHost = (uuid: string, expect: string) => ({ host: `127.0.0.1:${world.validator.port}`, ...signed(uuid), expect })
      const unknown = yield* rawRequest(world.validator.port, requestHead("/PatCheckSynapse", withHost("expect-unknown", "something-else")) + text)
      assertJsonError(world, unknown.received, 417, /Expect/)
      const proceed = yield* rawRequest(world.validator.port, requestHead("/PatCheckSynapse", { ...withHost("expect-continue", "100-continue"), connection: "close" }) + text)
      assert.match(proceed.received, /^HTTP\/1\.1 100 Continue\r\n\r\n/)
      assert.strictEqual(parseAnswer(proceed.received.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ""))?.status, 200)
    }))

  it.scopedLive("headers that never finish: 408 as JSON within seconds, the connection closed", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const exchange = yield* rawRequest(world.validator.port, `POST /PatCheckSynapse HTTP/1.1\r\n${host(world)}x-half: sent`, 15_000)
      assertJsonError(world, exchange.received, 408, /not received in time/)
      // headersTimeout (5 s), checked every second.
      assert.isBelow(exchange.closedAfterMs ?? Number.POSITIVE_INFINITY, 8_000)
    }))

  it.scopedLive("an absolute-form request target reaches the synapse (RFC 9112 §3.2.2)", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const text = body("PatCheckSynapse")
      const headers = { host: `127.0.0.1:${world.validator.port}`, ...signedHeaders(world, world.miners[0]!, "PatCheckSynapse"), "content-length": String(text.length), connection: "close" }
      const exchange = yield* rawRequest(world.validator.port, requestHead(`http://127.0.0.1:${world.validator.port}/PatCheckSynapse?from=proxy`, headers) + text)
      const answer = parseAnswer(exchange.received)
      assert.strictEqual(answer?.status, 200, exchange.received.slice(0, 200))
      assert.deepInclude(answer?.json as object, { name: "PatCheckSynapse", has_pat: false })
    }))
})
