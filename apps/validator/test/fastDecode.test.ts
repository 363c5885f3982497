import { PatBroadcastSynapse, PatCheckSynapse } from "@gittensor-pat/axon"
import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck as fc, Redacted, Schema } from "effect"
import { fastBroadcast, fastCheck } from "../src/http/fastDecode.js"

// A value of each kind a JSON body can hold where a field is expected, fitting or not.
const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 53, 1.764e18, -0, 0.5),
  fc.constant([]),
  fc.constant({})
)

const field = <A>(fitting: fc.Arbitrary<A>) => fc.oneof({ arbitrary: fitting, weight: 4 }, { arbitrary: anyJson, weight: 1 })
const int = field(fc.integer({ min: -1_000_000, max: 1_000_000 }))

const terminal = fc.oneof(
  { arbitrary: anyJson, weight: 1 },
  {
    arbitrary: fc.record(
      {
        status_code: int,
        status_message: field(fc.string()),
        process_time: field(fc.double({ noNaN: true, noDefaultInfinity: true })),
        ip: field(fc.ipV4()),
        port: int,
        version: int,
        nonce: field(fc.constantFrom(1.764e18, 1_700_000_000_000_000_000, 12)),
        uuid: field(fc.uuid()),
        hotkey: field(fc.string()),
        signature: field(fc.string()),
        extra: anyJson
      },
      { requiredKeys: [] }
    ),
    weight: 6
  }
)

const base = {
  name: field(fc.string()),
  timeout: field(fc.double({ min: 0, max: 60, noNaN: true })),
  total_size: int,
  header_size: int,
  dendrite: terminal,
  axon: terminal,
  computed_body_hash: field(fc.string()),
  something_else: anyJson
}

const checkBody = fc.record(
  { ...base, has_pat: field(fc.boolean()), pat_valid: field(fc.boolean()), rejection_reason: field(fc.string()) },
  { requiredKeys: [] }
)
const broadcastBody = fc.record(
  { ...base, github_access_token: field(fc.string()), accepted: field(fc.boolean()), rejection_reason: field(fc.string()) },
  { requiredKeys: [] }
)

// JSON text shows field order and values; the token is compared through its Redacted.
const sameAs = (fast: object, decoded: object) => {
  const plain = (synapse: object) =>
    JSON.stringify(synapse, (_, value) => (Redacted.isRedacted(value) ? `redacted:${Redacted.value(value)}` : value))
  assert.strictEqual(plain(fast), plain(decoded))
  assert.strictEqual(Object.getPrototypeOf(fast), Object.getPrototypeOf(decoded))
}

// JSON holds nothing the schema takes that the fast path declines, so they agree on which,
// and on what it decodes to.
const agreesWithSchema =
  <A extends object>(fast: (body: unknown) => A | undefined, schema: (body: unknown) => Either.Either<A, unknown>) =>
  ([body]: readonly [unknown]) => {
    const json = JSON.parse(JSON.stringify(body)) as unknown
    const quick = fast(json)
    const decoded = schema(json)
    assert.strictEqual(quick !== undefined, Either.isRight(decoded))
    if (quick !== undefined && Either.isRight(decoded)) sameAs(quick, decoded.right)
  }

describe("fast synapse decoding", () => {
  it.prop(
    "a check body: accepted exactly when the schema accepts it, and decoded exactly as the schema decodes it",
    [checkBody],
    agreesWithSchema(fastCheck, Schema.decodeUnknownEither(PatCheckSynapse))
  )

  it.prop(
    "a broadcast body: accepted exactly when the schema accepts it, and decoded exactly as the schema decodes it",
    [broadcastBody],
    agreesWithSchema(fastBroadcast, Schema.decodeUnknownEither(PatBroadcastSynapse))
  )

  it("a body as a dendrite sends it takes the fast path", () => {
    const terminalJson = {
      status_code: null,
      status_message: null,
      process_time: null,
      ip: "127.0.0.1",
      port: 8091,
      version: 10_002_000,
      nonce: 1.764e18,
      uuid: "5f2c1e4a-0000-4000-8000-000000000001",
      hotkey: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
      signature: "0xab"
    }
    const common = { name: "x", timeout: 12, total_size: 0, header_size: 0, dendrite: terminalJson, axon: terminalJson, computed_body_hash: "" }
    const check = fastCheck({ ...common, has_pat: null, pat_valid: null, rejection_reason: null })
    assert.isDefined(check)
    assert.strictEqual(check?.name, "PatCheckSynapse")
    const broadcast = fastBroadcast({ ...common, github_access_token: "ghp_abc", accepted: null, rejection_reason: null })
    assert.isDefined(broadcast)
    assert.strictEqual(Redacted.value(broadcast!.github_access_token), "ghp_abc")
    assert.isDefined(fastCheck({}))
  })

  it("declines what the schema must name: wrong types, a missing token, a non-object", () => {
    assert.isUndefined(fastCheck({ timeout: "12" }))
    assert.isUndefined(fastCheck({ dendrite: { port: 1.5 } }))
    assert.isUndefined(fastCheck([]))
    assert.isUndefined(fastBroadcast({}))
    assert.isUndefined(fastBroadcast({ github_access_token: "t", accepted: "yes" }))
  })
})
