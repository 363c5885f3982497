import { GitHubId, Hotkey, Pat, PatEntry, Uid } from "@gittensor-pat/core"
import { Either, Redacted, Schema } from "effect"

/**
 * One entry as it sits in the file: the decoded `PatEntry` and the JSON object it came
 * from, so that fields this program does not know survive a rewrite untouched.
 */
export interface StoredEntry {
  readonly entry: PatEntry
  readonly raw: unknown
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
    stored.push({ entry: new PatEntry(decoded.right, true), raw })
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

/** The file's text, laid out as Python's `json.dump(entries, indent=2)` lays it out. */
export const encodeFile = (stored: ReadonlyArray<StoredEntry>): string =>
  JSON.stringify(
    stored.map((s) => s.raw),
    null,
    2
  )

/** Replaces every entry on `entry.uid` with `entry` (written fresh, at the end). */
export const upsert = (stored: ReadonlyArray<StoredEntry>, entry: PatEntry): ReadonlyArray<StoredEntry> => [
  ...stored.filter((s) => s.entry.uid !== entry.uid),
  { entry, raw: toWire(entry) }
]
