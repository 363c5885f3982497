/** A refusal decided at the door, waiting to be written. */
export interface PendingShed {
  readonly write: () => void
  /** Epoch ms by which it is written whatever the pace. */
  readonly latestMs: number
}

/**
 * At most this share of the event loop goes to writing refusals. Callers that retry as
 * soon as they are refused (a closed loop) otherwise turn every fast 503 into another
 * request: the refusals then take the whole loop, the served requests starve, and the
 * callers' own requests wait unread past their timeout.
 */
const SHED_SHARE = 0.25

/** A pending refusal waits at most this share of the time its caller has left. */
export const MAX_HOLD_SHARE = 0.5

const TICK_MS = 10

// Stands in the line for a refusal written ahead of its turn.
const written: PendingShed = { write: () => {}, latestMs: Number.NEGATIVE_INFINITY }

/**
 * Writes refusals at once while they stay within `SHED_SHARE` of the event loop, and
 * beyond that in arrival order as the share allows, each by its `latestMs` at the latest.
 */
export class ShedPacer {
  private readonly pending: Array<PendingShed> = []
  private head = 0
  // A full bucket to start with: refilling clamps it to one tick's worth.
  private tokens = Number.POSITIVE_INFINITY
  private refilledAt: number
  private timer: ReturnType<typeof setTimeout> | undefined

  /** `shedCostMs` tells what writing one refusal costs the event loop now. */
  constructor(
    private readonly shedCostMs: () => number,
    private readonly now: () => number = Date.now
  ) {
    this.refilledAt = now()
  }

  /** Refusals waiting to be written. */
  get waiting(): number {
    return this.pending.length - this.head
  }

  /** Writes `shed` now if the pace allows, else queues it. */
  submit(shed: PendingShed): void {
    this.refill()
    if (this.waiting === 0 && this.tokens >= 1) {
      this.tokens--
      shed.write()
      return
    }
    this.pending.push(shed)
    this.schedule()
  }

  /** Writes every queued refusal now (shutdown). */
  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.head < this.pending.length) this.pending[this.head++]!.write()
    this.compact()
  }

  private refill(): void {
    const now = this.now()
    const burst = Math.max(1, TICK_MS / this.shedCostMs())
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) * SHED_SHARE) / this.shedCostMs())
    this.refilledAt = now
  }

  private drain(): void {
    this.timer = undefined
    this.refill()
    const now = this.now()
    while (this.head < this.pending.length) {
      const next = this.pending[this.head]!
      if (next.latestMs === Number.NEGATIVE_INFINITY) {
        this.head++
        continue
      }
      if (this.tokens >= 1) this.tokens--
      else if (next.latestMs > now) break
      this.head++
      next.write()
    }
    // Overdue refusals further back in the line are written too: their callers are waiting.
    for (let i = this.head; i < this.pending.length; i++) {
      const shed = this.pending[i]!
      if (shed.latestMs <= now) {
        shed.write()
        this.pending[i] = written
      }
    }
    this.compact()
    if (this.waiting > 0) this.schedule()
  }

  private compact(): void {
    if (this.head > 1_024 || this.head === this.pending.length) {
      this.pending.splice(0, this.head)
      this.head = 0
    }
  }

  private schedule(): void {
    if (this.timer === undefined) this.timer = setTimeout(() => this.drain(), TICK_MS).unref()
  }
}
