import { PatBroadcastSynapse, PatCheckSynapse } from "@gittensor-pat/axon"
import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck as fc, ParseResult, Schema } from "effect"
import { wrongFields } from "../src/http/wrongFields.js"

const nestedArrays = (depth: number): unknown => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`)
const nestedObjects = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)

const schemas = { PatCheckSynapse, PatBroadcastSynapse } as const
type Name = keyof typeof schemas

const failure = (name: Name, body: unknown): ParseResult.ParseError => {
  const decoded = Schema.decodeUnknownEither(schemas[name] as Schema.Schema<unknown, unknown>)(body)
  if (Either.isRight(decoded)) return assert.fail(`decoded: ${JSON.stringify(body).slice(0, 80)}`)
  return decoded.left
}

// What Effect's own formatter says, for a value shallow enough to be described.
const formatterPaths = (error: ParseResult.ParseError): string =>
  [...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.join(".") || "(root)"))].join(", ")

const synapseField = fc.constantFrom("name", "timeout", "total_size", "header_size", "dendrite", "axon", "computed_body_hash", "github_access_token", "has_pat")

describe("wrongFields (docs/protocol.md, Body: 400 at any nesting depth)", () => {
  it.prop(
    "names the field holding a value nested any depth, where describing the value would overflow the stack",
    [
      fc.integer({ min: 1, max: 100_000 }),
      fc.constantFrom<[Name, string, "arrays" | "objects"]>(
        ["PatCheckSynapse", "dendrite", "arrays"],
        ["PatCheckSynapse", "axon", "arrays"],
        ["PatCheckSynapse", "timeout", "arrays"],
        ["PatCheckSynapse", "timeout", "objects"],
        ["PatBroadcastSynapse", "github_access_token", "arrays"],
        ["PatBroadcastSynapse", "github_access_token", "objects"]
      )
    ],
    ([depth, [name, field, shape]]) => {
      const value = shape === "arrays" ? nestedArrays(depth) : nestedObjects(depth)
      assert.strictEqual(wrongFields(failure(name, { [field]: value })), field)
    },
    { fastCheck: { numRuns: 40 } }
  )

  it("a body that is itself nested 100,000 deep is wrong at the root", () => {
    assert.strictEqual(wrongFields(failure("PatCheckSynapse", nestedArrays(100_000))), "(root)")
  })

  it.prop(
    "on values shallow enough to describe, names the same fields as Effect's formatter",
    [fc.constantFrom<Name>("PatCheckSynapse", "PatBroadcastSynapse"), fc.dictionary(synapseField, fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 })],
    ([name, body]) => {
      const decoded = Schema.decodeUnknownEither(schemas[name] as Schema.Schema<unknown, unknown>)(body)
      if (Either.isLeft(decoded)) assert.strictEqual(wrongFields(decoded.left), formatterPaths(decoded.left))
    }
  )
})
