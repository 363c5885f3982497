import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import {
  EMPTY_BODY_HASH,
  parseRequestHeaders,
  readResponseHeaders,
  requestHeaders,
  responseHeaders,
  verifyRequest
} from "../src/index.js"
import { BTWALLET, SUBSTRATE_DEV } from "./vectors.js"

const pythonHeaders: Record<string, string> = JSON.parse(
  readFileSync(new URL("./fixtures/python-dendrite-request-headers.json", import.meta.url), "utf8")
)

describe("header codec", () => {
  it("reads the headers a Python dendrite sends", () => {
    const parsed = Either.getOrThrow(parseRequestHeaders(pythonHeaders))
    assert.strictEqual(parsed.name, "PatBroadcastSynapse")
    assert.strictEqual(parsed.timeout, 12)
    assert.strictEqual(parsed.computedBodyHash, EMPTY_BODY_HASH)
    assert.deepStrictEqual(parsed.dendrite, {
      hotkey: SUBSTRATE_DEV.address,
      nonce: 1764172800123456789n,
      uuid: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a",
      signature: pythonHeaders.bt_header_dendrite_signature,
      version: 10002000,
      ip: "203.0.113.7",
      port: undefined
    })
    assert.deepStrictEqual(parsed.axon, { hotkey: BTWALLET.address, ip: "127.0.0.1", port: 8091 })
  })

  it("the fixture's signature verifies for the message Python signs", () => {
    const parsed = Either.getOrThrow(parseRequestHeaders(pythonHeaders))
    assert.isTrue(
      verifyRequest({
        nonce: parsed.dendrite.nonce!,
        dendriteHotkey: parsed.dendrite.hotkey!,
        axonHotkey: parsed.axon.hotkey!,
        uuid: parsed.dendrite.uuid!,
        bodyHash: parsed.computedBodyHash!,
        signature: parsed.dendrite.signature!
      })
    )
  })

  it("writes the same header set, in Python's order", () => {
    const written = requestHeaders({
      name: "PatBroadcastSynapse",
      timeout: 12,
      axon: { ip: "127.0.0.1", port: 8091, hotkey: BTWALLET.address },
      dendrite: {
        ip: "203.0.113.7",
        version: 10002000,
        nonce: 1764172800123456789n,
        uuid: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a",
        hotkey: SUBSTRATE_DEV.address,
        signature: pythonHeaders.bt_header_dendrite_signature!
      },
      totalSize: 3256
    })
    const synapseKeys = Object.keys(pythonHeaders).filter((key) => !/^(host|user-agent|accept|content-)/.test(key))
    assert.deepStrictEqual(Object.keys(written), synapseKeys)
    for (const key of synapseKeys) {
      if (key !== "header_size") assert.strictEqual(written[key], pythonHeaders[key], key)
    }
    assert.match(written.header_size!, /^\d+$/)
  })

  it("the check synapse has no required input header", () => {
    const written = requestHeaders({ name: "PatCheckSynapse", timeout: 7.5, axon: {}, dendrite: {} })
    assert.strictEqual(written.timeout, "7.5")
    assert.isFalse(Object.keys(written).some((key) => key.startsWith("bt_header_input_obj")))
  })

  it("matches header names case-insensitively and leaves absent ones undefined", () => {
    const parsed = Either.getOrThrow(parseRequestHeaders({ NAME: "PatCheckSynapse", Bt_Header_Dendrite_Nonce: "+42" }))
    assert.strictEqual(parsed.name, "PatCheckSynapse")
    assert.strictEqual(parsed.dendrite.nonce, 42n)
    assert.isUndefined(parsed.timeout)
    assert.isUndefined(parsed.dendrite.signature)
  })

  it("refuses present headers of the wrong type, naming the header", () => {
    const cases: ReadonlyArray<[string, string]> = [
      ["timeout", "soon"],
      ["timeout", "-1"],
      ["timeout", "inf"],
      ["bt_header_dendrite_nonce", "12.5"],
      ["bt_header_dendrite_nonce", "0x10"],
      ["bt_header_dendrite_version", "7.2.0"],
      ["bt_header_axon_port", "eighty"]
    ]
    for (const [header, value] of cases) {
      const result = parseRequestHeaders({ ...pythonHeaders, [header]: value })
      assert.isTrue(Either.isLeft(result), `${header}=${value}`)
      if (Either.isLeft(result)) assert.strictEqual(result.left.header, header)
    }
  })

  it("nonces round-trip exactly through the headers", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (nonce) => {
        const written = requestHeaders({ name: "PatCheckSynapse", timeout: 12, axon: {}, dendrite: { nonce } })
        const parsed = Either.getOrThrow(parseRequestHeaders(written))
        return parsed.dendrite.nonce === nonce
      })
    )
  })

  it("response headers carry the axon terminal and read back", () => {
    const headers = responseHeaders({
      status_code: 403,
      status_message: "Forbidden. Key is blacklisted: Hotkey 5DfhGyQdFobKM8Ns... not registered.",
      process_time: 0.25,
      hotkey: BTWALLET.address,
      nonce: 1764172800223456789n,
      uuid: null
    })
    assert.deepStrictEqual(Object.keys(headers), [
      "bt_header_axon_status_code",
      "bt_header_axon_status_message",
      "bt_header_axon_process_time",
      "bt_header_axon_nonce",
      "bt_header_axon_hotkey"
    ])
    assert.strictEqual(headers.bt_header_axon_status_code, "403")
    const back = readResponseHeaders(headers)
    assert.strictEqual(back.status_code, 403)
    assert.strictEqual(back.process_time, 0.25)
    assert.strictEqual(back.status_message, headers.bt_header_axon_status_message)
  })

  it("response headers never carry characters HTTP refuses", () => {
    const headers = responseHeaders({ status_message: "bad\r\nInjected: yes … ✓" })
    assert.match(headers.bt_header_axon_status_message!, /^[\x20-\x7e]*$/)
  })
})
