import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { wireJson } from "../src/index.js"

// The oracle: JSON.stringify with each bigint as the number it equals (exact within 2^53).
const asNumbers = (value: unknown): string | undefined =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? Number(item) : item))

const leaf = FastCheck.oneof(
  FastCheck.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }),
  FastCheck.double(),
  FastCheck.string({ unit: "binary" }),
  FastCheck.boolean(),
  FastCheck.constant(null),
  FastCheck.constant(undefined)
)
const tree = FastCheck.letrec<{ node: unknown }>((tie) => ({
  node: FastCheck.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    FastCheck.array(tie("node"), { maxLength: 4 }),
    FastCheck.dictionary(FastCheck.string(), tie("node"), { maxKeys: 4 })
  )
})).node

describe("wireJson", () => {
  it.prop("writes what JSON.stringify writes, bigints as their digits", [tree], ([value]) => {
    assert.strictEqual(wireJson(value), asNumbers(value) ?? "null")
  })

  it.prop("without bigints it is JSON.stringify", [FastCheck.jsonValue()], ([value]) => {
    assert.strictEqual(wireJson(value), JSON.stringify(value))
  })

  it("keeps every digit of an integer beyond 2^53", () => {
    const nonce = 1_796_551_977_852_000_002n
    assert.strictEqual(
      wireJson({ name: "PatCheckSynapse", dendrite: { ip: "127.0.0.1", nonce, uuid: "u" }, list: [nonce, -nonce] }),
      '{"name":"PatCheckSynapse","dendrite":{"ip":"127.0.0.1","nonce":1796551977852000002,"uuid":"u"},"list":[1796551977852000002,-1796551977852000002]}'
    )
  })

  it("honours toJSON and leaves out what JSON.stringify leaves out", () => {
    const at = new Date(Date.UTC(2026, 0, 1))
    const value = { at, gone: undefined, fn: () => 1, list: [undefined, () => 1, 1n] }
    assert.strictEqual(wireJson(value), '{"at":"2026-01-01T00:00:00.000Z","list":[null,null,1]}')
    assert.strictEqual(wireJson(undefined), "null")
  })
})
