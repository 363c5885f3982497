import type { PatEntry, Uid } from "@gittensor-pat/core"
import { Array as Arr, Option } from "effect"
import type { StoredEntry } from "./wire.js"

/** The entry on `uid` (the last one, should a hand-edited file hold several). */
export const entryOn = (stored: ReadonlyArray<StoredEntry>, uid: Uid): Option.Option<PatEntry> =>
  Option.map(
    Arr.findLast(stored, (s) => s.entry.uid === uid),
    (s) => s.entry
  )

const indexes = new WeakMap<ReadonlyArray<StoredEntry>, ReadonlyMap<Uid, PatEntry>>()

/**
 * `entryOn` for a check's path: one map per version of the file's entries (the store hands
 * out the same array until the file changes) instead of a scan of thousands per call.
 */
export const indexedEntryOn = (stored: ReadonlyArray<StoredEntry>, uid: Uid): Option.Option<PatEntry> => {
  let index = indexes.get(stored)
  if (index === undefined) {
    // Later entries overwrite earlier ones, so the last entry on a uid wins, as in `entryOn`.
    index = new Map(stored.map((s) => [s.entry.uid, s.entry]))
    indexes.set(stored, index)
  }
  return Option.fromNullable(index.get(uid))
}
