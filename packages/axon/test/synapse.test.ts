import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck, Redacted, Schema } from "effect"
import { bodyHash, EMPTY_BODY_HASH, PatBroadcastSynapse, PatCheckSynapse, TerminalInfo } from "../src/index.js"
import { SHA3_256_EMPTY } from "./vectors.js"

const decodeBroadcast = Schema.decodeUnknownEither(PatBroadcastSynapse)
const decodeCheck = Schema.decodeUnknownEither(PatCheckSynapse)

// What Python's dendrite posts: `synapse.model_dump()` after `preprocess_synapse_for_request`.
const pythonBody = {
  name: "PatBroadcastSynapse",
  timeout: 12.0,
  total_size: 3256,
  header_size: 0,
  dendrite: {
    status_code: null,
    status_message: null,
    process_time: null,
    ip: "203.0.113.7",
    port: null,
    version: 10002000,
    // As JSON.parse reads Python's nanosecond integer: the nearest double.
    nonce: JSON.parse("1764172800123456789") as number,
    uuid: "5ecbd69c-1cec-11ee-b0dc-e29ce36fec1a",
    hotkey: "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV",
    signature: "0xabc"
  },
  axon: {
    status_code: null,
    status_message: null,
    process_time: null,
    ip: "127.0.0.1",
    port: 8091,
    version: null,
    nonce: null,
    uuid: null,
    hotkey: "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX",
    signature: null
  },
  computed_body_hash: "",
  github_access_token: "ghp_exampletoken1234",
  accepted: null,
  rejection_reason: null
}

describe("synapse schemas", () => {
  it("body hash of a synapse without hash fields is SHA3-256 of the empty string", () => {
    assert.strictEqual(EMPTY_BODY_HASH, SHA3_256_EMPTY)
    assert.strictEqual(bodyHash([]), SHA3_256_EMPTY)
    assert.notStrictEqual(bodyHash(["x"]), SHA3_256_EMPTY)
  })

  it("decodes Python's request body, keeping the token redacted", () => {
    const synapse = Either.getOrThrow(decodeBroadcast(pythonBody))
    assert.strictEqual(Redacted.value(synapse.github_access_token), "ghp_exampletoken1234")
    assert.notInclude(String(synapse.github_access_token), "ghp_")
    assert.strictEqual(synapse.dendrite?.hotkey, pythonBody.dendrite.hotkey)
    assert.strictEqual(synapse.axon?.port, 8091)
    assert.strictEqual(synapse.timeout, 12)
  })

  it("fills pydantic's defaults and ignores unknown fields", () => {
    const synapse = Either.getOrThrow(decodeCheck({ extra: [1, 2], name: "Whatever" }))
    assert.strictEqual(synapse.name, "PatCheckSynapse")
    assert.strictEqual(synapse.timeout, 12)
    assert.strictEqual(synapse.computed_body_hash, "")
    assert.strictEqual(synapse.dendrite?.hotkey, null)
    assert.strictEqual(synapse.has_pat, null)
    const encoded = Schema.encodeSync(PatCheckSynapse)(synapse)
    assert.deepStrictEqual(Object.keys(encoded).sort(), [
      "axon",
      "computed_body_hash",
      "dendrite",
      "has_pat",
      "header_size",
      "name",
      "pat_valid",
      "rejection_reason",
      "timeout",
      "total_size"
    ])
    assert.notProperty(encoded, "extra")
  })

  it("is strict on types", () => {
    const wrong: ReadonlyArray<Record<string, unknown>> = [
      { ...pythonBody, github_access_token: 42 },
      { ...pythonBody, accepted: "yes" },
      { ...pythonBody, timeout: "12" },
      { ...pythonBody, dendrite: { ...pythonBody.dendrite, nonce: 1.5 } },
      { ...pythonBody, axon: { ...pythonBody.axon, port: "8091" } },
      { ...pythonBody, dendrite: "x" }
    ]
    for (const body of wrong) assert.isTrue(Either.isLeft(decodeBroadcast(body)))
    const { github_access_token: _, ...missing } = pythonBody
    assert.isTrue(Either.isLeft(decodeBroadcast(missing)))
    assert.isTrue(Either.isLeft(decodeCheck({ has_pat: 1 })))
  })

  it.prop(
    "encode then decode is the identity on check answers",
    {
      has_pat: FastCheck.constantFrom(true, false, null),
      pat_valid: FastCheck.constantFrom(true, false, null),
      reason: FastCheck.option(FastCheck.string(), { nil: null }),
      code: FastCheck.integer({ min: 100, max: 599 })
    },
    ({ code, has_pat, pat_valid, reason }) => {
      const synapse = PatCheckSynapse.make({
        has_pat,
        pat_valid,
        rejection_reason: reason,
        axon: TerminalInfo.make({ status_code: code })
      })
      const wire = JSON.parse(JSON.stringify(Schema.encodeSync(PatCheckSynapse)(synapse)))
      const back = Schema.decodeUnknownSync(PatCheckSynapse)(wire)
      assert.deepStrictEqual(back, synapse)
    }
  )

  it("encodes the broadcast token as the plain string Python expects", () => {
    const synapse = PatBroadcastSynapse.make({ github_access_token: Redacted.make(""), accepted: true })
    const encoded = Schema.encodeSync(PatBroadcastSynapse)(synapse)
    assert.strictEqual(encoded.github_access_token, "")
    assert.strictEqual(encoded.accepted, true)
    assert.strictEqual(encoded.name, "PatBroadcastSynapse")
  })
})
