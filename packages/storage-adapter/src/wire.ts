import { GitHubId, Hotkey, Pat, PatEntry, Uid } from "@gittensor-pat/core"
import { Either, Redacted, Schema } from "effect"
import { Buffer } from "node:buffer"

// An element of `JSON.stringify(array, null, 2)` is its own `JSON.stringify(element, null,
// 2)` with every line indented two more spaces (a string's newlines are escaped, so every
// "\n" in it is a line break).
const blockOf = (raw: unknown): Uint8Array =>
  Buffer.from(`  ${JSON.stringify(raw, null, 2).replace(/\n/g, "\n  ")}`, "utf8")

/**
 * One entry as it sits in the file: the decoded `PatEntry` and the JSON object it came
 * from, so that fields this program does not know survive a rewrite untouched.
 */
export class StoredEntry {
  #block: Uint8Array | undefined

  constructor(
    readonly entry: PatEntry,
    readonly raw: unknown
  ) {}

  /**
   * `raw`'s lines in the file, UTF-8: laid out and encoded by the first write that holds
   * the entry and kept for the next ones, instead of the whole file on every write (see
   * `encodeFile`); a read that is never followed by a write does not pay for it.
   */
  get block(): Uint8Array {
    this.#block ??= blockOf(this.raw)
    return this.#block
  }
}

const WireEntry = Schema.Struct({
  uid: Uid,
  hotkey: Hotkey,
  pat: Pat,
  githubId: Schema.propertySignature(GitHubId).pipe(Schema.fromKey("github_id")),
  storedAt: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("stored_at"))
})

const decodeWireEntry = Schema.decodeUnknownEither(WireEntry)

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Parses the file's text. The reason on the left never quotes the text: a corrupt file
 * may still hold tokens.
 */
export const decodeFile = (text: string): Either.Either<ReadonlyArray<StoredEntry>, string> => {
  const parsed = Either.try((): unknown => JSON.parse(text))
  if (Either.isLeft(parsed)) return Either.left("is not valid JSON")
  if (!Array.isArray(parsed.right)) return Either.left("is not a JSON array")
  const stored: Array<StoredEntry> = []
  for (const [index, raw] of parsed.right.entries()) {
    const decoded = isRecord(raw) ? decodeWireEntry(raw) : Either.left(undefined)
    if (Either.isLeft(decoded)) return Either.left(`holds an invalid PAT entry at index ${index}`)
    stored.push(new StoredEntry(new PatEntry(decoded.right, true), raw))
  }
  return Either.right(stored)
}

// Python before 3.11 cannot `datetime.fromisoformat` a trailing "Z"; the Python validator
// itself writes "+00:00".
const pythonIsoUtc = (text: string): string => (text.endsWith("Z") ? `${text.slice(0, -1)}+00:00` : text)

/** The object written for an entry, keys in the Python validator's order. */
export const toWire = (entry: PatEntry) => ({
  uid: entry.uid,
  hotkey: entry.hotkey,
  pat: Redacted.value(entry.pat),
  github_id: entry.githubId,
  stored_at: pythonIsoUtc(entry.storedAt)
})

/** An empty store's file: what `encodeFile` writes for no entries, and what a missing file reads as. */
export const emptyFile: Uint8Array = Buffer.from("[]", "utf8")

const opening = Buffer.from("[\n", "utf8")
const between = Buffer.from(",\n", "utf8")
const closing = Buffer.from("\n]", "utf8")

/**
 * The file's bytes: `JSON.stringify(raws, null, 2)` in UTF-8, which is how Python's
 * `json.dump(entries, indent=2)` lays it out, put together from the entries' blocks
 * (laying out and encoding thousands of entries took a millisecond or two per write).
 */
export const encodeFile = (stored: ReadonlyArray<StoredEntry>): Uint8Array => {
  if (stored.length === 0) return emptyFile
  const parts: Array<Uint8Array> = [opening]
  for (const s of stored) parts.push(s.block, between)
  parts[parts.length - 1] = closing
  return Buffer.concat(parts)
}

/** Replaces every entry on `entry.uid` with `entry` (written fresh, at the end). */
export const upsert = (stored: ReadonlyArray<StoredEntry>, entry: PatEntry): ReadonlyArray<StoredEntry> => [
  ...stored.filter((s) => s.entry.uid !== entry.uid),
  new StoredEntry(entry, toWire(entry))
]
