import { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import type { FakeAnswer, Responder } from "./FakeSubtensor.js"

const fixtures = new URL("../../test/fixtures/", import.meta.url)

/** The recorded block: its number and hash, and the runtime's spec version there. */
export const recordedBlock = {
  netuid: 1,
  number: 6_852_690,
  hash: "0xdb13c066e2c63969f140164fb3bfe7a0aaa7b71407fc0fe525d68e57329ef9d0",
  parentHash: "0x7348409fe36728fa2ac7f0886346fd35b79804d294046d152ba1baccd9d0be3a",
  specVersion: 343
} as const

// Hex arguments compare without their 0x and case: the SDK sent "0100" for netuid 1.
const normalized = (value: unknown): unknown =>
  typeof value === "string" && /^(0x)?[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0
    ? value.replace(/^0x/, "").toLowerCase()
    : value

/** The key a call is filed under: its method and normalized params. */
export const callKey = (method: string, params: ReadonlyArray<unknown>): string =>
  `${method} ${JSON.stringify(params.map(normalized))}`

/** The chain's answers as recorded: call key → result. */
export interface Recording {
  readonly answers: ReadonlyMap<string, unknown>
  /** The raw `Metadata_metadata_at_version(15)` answer (hex). */
  readonly metadataV15: string
}

/** Reads the recorded answers from the package's test fixtures (see their README). */
export const loadRecording: Effect.Effect<Recording, never, FileSystem.FileSystem> = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const read = (name: string) => Effect.orDie(fs.readFileString(new URL(name, fixtures).pathname))
  const metadataV15 = (yield* read("metadata-v15.hex")).trim()
  const recorded = JSON.parse(yield* read("netuid-1-block-6852690.json")) as Record<
    string,
    Record<string, { readonly result: unknown }>
  >
  const answers = new Map<string, unknown>()
  for (const [method, byParams] of Object.entries(recorded)) {
    for (const [params, { result }] of Object.entries(byParams)) {
      answers.set(callKey(method, JSON.parse(params) as ReadonlyArray<unknown>), result)
    }
  }
  answers.set(callKey("state_call", ["Metadata_metadata_at_version", "0x0f000000", recordedBlock.hash]), metadataV15)
  // Recorded at the parent; the same runtime runs the head.
  answers.set(
    callKey("state_getRuntimeVersion", [recordedBlock.hash]),
    answers.get(callKey("state_getRuntimeVersion", [recordedBlock.parentHash]))
  )
  return { answers, metadataV15 }
})

/**
 * A responder for the fake node: `overrides` first (by call key, see `callKey`), then the
 * recording; `undefined` (method not found) for anything else.
 */
export const recordedResponder =
  (recording: Recording, overrides: ReadonlyMap<string, FakeAnswer> = new Map()): Responder =>
  (method, params) => {
    const key = callKey(method, params)
    const override = overrides.get(key)
    if (override !== undefined) return override
    return recording.answers.has(key) ? { result: recording.answers.get(key) } : undefined
  }
