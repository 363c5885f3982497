/** Entries kept until they expire, found without scanning the ones that have not. */
export interface ExpiryWheel<A> {
  /** Holds `entry` until it expires. Schedule each entry once. */
  readonly schedule: (entry: A) => void
  /**
   * Moves the wheel to `now`: calls `expire` for every entry that expires at or before it,
   * and keeps the others (an entry whose expiry moved later waits again).
   */
  readonly advance: (now: bigint, expire: (entry: A) => void) => void
}

/**
 * A timing wheel of `tick`-wide buckets covering `span`: each entry sits in the bucket of
 * its expiry, `expiresAt(entry)` in nanoseconds (rounded up, so never visited early). An
 * entry's expiry may move later while it is held, never earlier. Advancing visits only the
 * buckets the clock passed, so the cost is one bucket per tick of time plus, per entry, one
 * visit when it expires and one per time its expiry was moved. Entries must expire within
 * `span` of the `now` at which they were scheduled or moved; one beyond waits in the last
 * bucket and is looked at again each turn of the wheel (later, never earlier).
 */
export const makeExpiryWheel = <A>(span: bigint, tick: bigint, expiresAt: (entry: A) => bigint): ExpiryWheel<A> => {
  const size = Number((span + tick - 1n) / tick) + 2
  const buckets: Array<Array<A>> = Array.from({ length: size }, () => [])
  // The last tick advanced to: every bucket up to it has been visited.
  let swept: number | undefined
  const tickOf = (time: bigint) => Number(time / tick)
  const slot = (at: number) => ((at % size) + size) % size
  const place = (entry: A) => {
    const due = Number((expiresAt(entry) + tick - 1n) / tick)
    const at = swept === undefined ? due : Math.min(Math.max(due, swept + 1), swept + size - 1)
    buckets[slot(at)]!.push(entry)
  }
  return {
    schedule: place,
    advance: (now, expire) => {
      const current = tickOf(now)
      // A clock that went back visits nothing until it passes `swept` again.
      if (swept !== undefined && current <= swept) return
      const steps = swept === undefined ? size : Math.min(current - swept, size)
      const waiting: Array<A> = []
      for (let step = steps - 1; step >= 0; step--) {
        const index = slot(current - step)
        const bucket = buckets[index]!
        if (bucket.length === 0) continue
        buckets[index] = []
        for (const entry of bucket) {
          if (expiresAt(entry) <= now) expire(entry)
          else waiting.push(entry)
        }
      }
      swept = current
      for (const entry of waiting) place(entry)
    }
  }
}
