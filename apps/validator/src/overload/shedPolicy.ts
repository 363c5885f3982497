/** What the front door knows, at a request's arrival, of the work ahead of it. */
export interface Backlog {
  /**
   * Requests with their body in and their signature verified, not answered and not in a
   * pipeline: each still needs all its work. Those still arriving or unverified cost nothing yet.
   */
  readonly queued: number
  /** Pipelines running: each still needs its answer written. */
  readonly running: number
  /** Event-loop milliseconds one answered request costs. */
  readonly costMs: number
  /** When every slot is taken: expected time until a pipeline of this request's stake has had its run. */
  readonly slotWaitMs: number
}

/**
 * The share of a request's event-loop cost left once its pipeline runs (building, encoding
 * and writing the answer, the log line): about a third of the split in bench/README.md.
 */
const ANSWER_SHARE = 0.3

/**
 * How long until a new request could be answered: the event-loop work ahead of it (one
 * thread serves them all), its own cost, and when the slots are all taken the wait for one
 * and its run. With a free slot its GitHub time is not counted: the pipeline runs under
 * the request's deadline and ends by it whatever GitHub does.
 */
export const expectedMs = (backlog: Backlog): number =>
  (backlog.queued + 1 + backlog.running * ANSWER_SHARE) * backlog.costMs + backlog.slotWaitMs

/**
 * The share of its remaining time the highest stake may expect to wait. Not all of it: the
 * event loop does not serve requests in arrival order but interleaves them at every await,
 * so a request admitted now also delays those admitted before it, and the oldest of them
 * have the least time left. Half keeps the oldest within their deadline.
 */
export const MAX_ALLOWANCE = 0.5

/** The share the lowest stake may count on. */
export const MIN_ALLOWANCE = 0.25

/**
 * The share of its remaining time a request may expect to wait, by its stake's rank among
 * recent callers (0 lowest … 1 highest). Under growing load the lowest stakes are refused
 * first, which keeps the backlog short enough for the highest stakes to be served.
 */
export const allowance = (rank: number): number =>
  MIN_ALLOWANCE + (MAX_ALLOWANCE - MIN_ALLOWANCE) * Math.min(1, Math.max(0, rank))

/** Whether a request with `remainingMs` until its deadline can only end in a deadline answer or a timeout. */
export const mustShed = (expected: number, remainingMs: number, rank: number): boolean =>
  remainingMs <= 0 || expected > remainingMs * allowance(rank)

// Enough recent callers to rank a stake among, few enough to count on every arrival.
const RANK_WINDOW = 256

/** The stakes of the latest callers, to rank a new caller's stake among them. */
export class StakeRanks {
  private readonly stakes: Array<number> = []
  private next = 0

  /** The share of recent callers with a lower stake (ties count half); 1 when none are known. */
  rank(stake: number): number {
    const n = this.stakes.length
    if (n === 0) return 1
    let below = 0
    for (const s of this.stakes) below += s < stake ? 1 : s === stake ? 0.5 : 0
    return below / n
  }

  /** Records a caller's stake, forgetting the oldest beyond the window. */
  add(stake: number): void {
    if (this.stakes.length < RANK_WINDOW) this.stakes.push(stake)
    else this.stakes[this.next] = stake
    this.next = (this.next + 1) % RANK_WINDOW
  }
}
