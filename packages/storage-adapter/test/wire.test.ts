import { GitHubId, Hotkey, PatEntry, Uid } from "@gittensor-pat/core"
import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck as fc, Option, Redacted } from "effect"
import { decodeFile, encodeFile, type StoredEntry, toWire, upsert } from "../src/wire.js"

const marker = "ghp_LEAKED_TOKEN"

const wireKeys = new Set(["uid", "hotkey", "pat", "github_id", "stored_at"])

const pythonIso = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString().replace("Z", "+00:00"))

const entry = fc
  .record({
    uid: fc.integer({ min: 0, max: 12 }),
    hotkey: fc.string({ minLength: 1, unit: "grapheme" }).filter((s) => s.trim() === s && s.length > 0),
    pat: fc.string({ unit: "grapheme" }),
    githubId: fc.string({ minLength: 1 }),
    storedAt: pythonIso
  })
  .map(
    (r) =>
      new PatEntry({
        uid: Uid.make(r.uid),
        hotkey: Hotkey.make(r.hotkey),
        pat: Redacted.make(r.pat),
        githubId: GitHubId.make(r.githubId),
        storedAt: r.storedAt
      })
  )

// Any code point (control characters, quotes, backslashes, U+2028, astral ones) and lone
// surrogates, which JSON.stringify escapes.
const anyUnit = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
)

const extraFieldsOf = (unit: fc.Arbitrary<string> | "grapheme-ascii") =>
  fc.dictionary(
    fc.string({ minLength: 1, unit }).filter((key) => !wireKeys.has(key) && key !== "__proto__"),
    // As read from a file: JSON has no -0, which fc.jsonValue may generate.
    fc.jsonValue({ stringUnit: unit }).map((value): unknown => JSON.parse(JSON.stringify(value)))
  )

const extraFields = extraFieldsOf("grapheme-ascii")

const visible = (e: PatEntry) => [e.uid, e.hotkey, Redacted.value(e.pat), e.githubId, e.storedAt]

const decoded = (text: string): ReadonlyArray<StoredEntry> =>
  Either.getOrThrowWith(decodeFile(text), (reason) => new Error(`undecodable: ${reason}`))

const textOf = (stored: ReadonlyArray<StoredEntry>): string => new TextDecoder().decode(encodeFile(stored))

/** An entry's object as a file may hold it: its fields, and others in any order around them. */
const rawOf = (e: PatEntry, extras: Record<string, unknown>, wireFirst: boolean) => {
  const wire = { uid: e.uid, hotkey: e.hotkey, pat: Redacted.value(e.pat), github_id: e.githubId, stored_at: e.storedAt }
  return wireFirst ? { ...wire, ...extras } : { ...extras, ...wire }
}

describe("the wire format", () => {
  it.prop(
    "after any sequence of saves the file holds exactly the last entry saved on each uid",
    { saves: fc.array(entry, { maxLength: 30 }) },
    ({ saves }) => {
      let text = textOf([])
      for (const save of saves) text = textOf(upsert(decoded(text), save))
      const model = new Map(saves.map((e) => [e.uid, visible(e)]))
      const stored = decoded(text)
      assert.strictEqual(stored.length, model.size)
      for (const s of stored) assert.deepStrictEqual(visible(s.entry), model.get(s.entry.uid))
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "fields this program does not know survive a save on another uid untouched",
    { kept: entry, extras: extraFields, saved: entry },
    ({ kept, extras, saved }) => {
      const keptUid = saved.uid === kept.uid ? (kept.uid + 1) % 13 : kept.uid
      const raw = { ...extras, uid: keptUid, hotkey: kept.hotkey, pat: Redacted.value(kept.pat), github_id: kept.githubId, stored_at: kept.storedAt }
      const text = textOf(upsert(decoded(JSON.stringify([raw])), saved))
      assert.deepStrictEqual((JSON.parse(text) as Array<unknown>)[0], raw)
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "the file is byte for byte JSON.stringify(entries, null, 2) in UTF-8, whatever the entries hold",
    {
      read: fc.array(fc.tuple(entry, extraFieldsOf(anyUnit), fc.boolean()), { maxLength: 8 }),
      saved: fc.option(entry, { nil: undefined })
    },
    ({ read, saved }) => {
      const raws = read.map(([e, extras, wireFirst]) => rawOf(e, extras, wireFirst))
      const stored = decoded(JSON.stringify(raws))
      const [written, kept] =
        saved === undefined
          ? [stored, raws]
          : [upsert(stored, saved), [...raws.filter((raw) => raw.uid !== saved.uid), toWire(saved)]]
      assert.deepStrictEqual(Buffer.from(encodeFile(written)), Buffer.from(JSON.stringify(kept, null, 2), "utf8"))
    },
    { fastCheck: { numRuns: 500 } }
  )

  it.prop(
    "any text that is not an array of entries is refused, and the refusal never quotes it",
    {
      text: fc.oneof(
        fc.string().map((text) => `${text}${marker}`),
        fc.jsonValue().map((value) => JSON.stringify([{ pat: marker, value }])),
        fc.jsonValue().map((value) => JSON.stringify({ entries: [marker, value] })),
        fc.record({ uid: fc.oneof(fc.integer({ max: -1 }), fc.string()), extras: extraFields }).map(({ uid, extras }) =>
          JSON.stringify([{ ...extras, uid, hotkey: "5Hk", pat: marker, github_id: "1", stored_at: "x" }])
        )
      )
    },
    ({ text }) => {
      const result = decodeFile(text)
      assert.isTrue(Either.isLeft(result))
      assert.notInclude(Either.getLeft(result).pipe(Option.getOrElse(() => "")), marker)
    },
    { fastCheck: { numRuns: 500 } }
  )
})
