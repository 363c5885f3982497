/** An entry of a `StakeQueue`: higher `stake` first, then lower `seq` (arrival order). */
export interface Ranked {
  readonly stake: number
  readonly seq: number
}

const before = (a: Ranked, b: Ranked): boolean =>
  a.stake > b.stake || (a.stake === b.stake && a.seq < b.seq)

/**
 * A binary heap that yields the highest-staked waiter first and, among equal stakes, the
 * one that came first, so that a flood of low-stake requests cannot starve a validator's
 * most valuable callers.
 */
export class StakeQueue<A extends Ranked> {
  private readonly items: Array<A> = []

  /** How many entries are queued. */
  get size(): number {
    return this.items.length
  }

  /** Every queued entry, in no particular order. */
  values(): ReadonlyArray<A> {
    return this.items
  }

  /** Adds an entry. */
  push(item: A): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  /** Removes and returns the first entry in priority order. */
  pop(): A | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length === 0 || last === undefined) return top
    items[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let best = i
      if (left < items.length && before(items[left]!, items[best]!)) best = left
      if (right < items.length && before(items[right]!, items[best]!)) best = right
      if (best === i) return top
      ;[items[i], items[best]] = [items[best]!, items[i]!]
      i = best
    }
  }
}
