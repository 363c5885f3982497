// Pipelines whose deadlines fall within this of each other are counted in one bucket.
const BUCKET_MS = 10

/**
 * Answers the margin between a deadline and the caller's timeout absorbs (the margin of
 * docs/protocol.md, "Deadline and timeouts", is at least 400 ms, at a 2 s timeout): a crowd that costs less is not spread out.
 */
export const CROWD_SLACK_MS = 200

/**
 * No pipeline gives up more than this share of its remaining time to the crowd ahead of it:
 * past that point the crowd cannot all be answered anyway, and GitHub keeps a fair chance.
 */
export const MAX_ADVANCE_SHARE = 0.5

/** A pipeline's place in the crowd, handed back when it ends. */
export interface CrowdEntry {
  /** The deadline the pipeline runs under: its own, brought forward for the crowd ahead of it. */
  readonly deadline: number
  readonly bucket: number
}

/**
 * The deadlines of the pipelines running now. Many requests sent together (a thousand
 * checks stuck on a hanging GitHub) all reach their deadlines within the same second, and
 * answering each costs event-loop time: answered together, the last of them miss their
 * callers' timeout. So each pipeline's deadline is brought forward by the cost of answering
 * every running pipeline due at or before it, less what the margin absorbs: the crowd's
 * answers then come out spread over time, each within its caller's timeout. The deadline of docs/protocol.md, "Deadline and
 * timeouts", stays the upper bound.
 */
export class DeadlineCrowd {
  private readonly counts = new Map<number, number>()
  private total = 0

  /** Running pipelines. */
  get size(): number {
    return this.total
  }

  /** Joins the crowd with `deadline` (epoch ms) at `now`, when answering one pipeline costs `answerMs`. */
  enter(deadline: number, now: number, answerMs: number): CrowdEntry {
    const bucket = Math.floor(deadline / BUCKET_MS)
    let ahead = 0
    // Only under a crowd is this walk long: a bucket per 10 ms of deadlines in flight.
    if (this.total > 0) for (const [b, n] of this.counts) if (b <= bucket) ahead += n
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1)
    this.total++
    const advance = Math.min(Math.max(0, ahead * answerMs - CROWD_SLACK_MS), Math.max(0, deadline - now) * MAX_ADVANCE_SHARE)
    return { deadline: deadline - advance, bucket }
  }

  /** Leaves the crowd. */
  leave(entry: CrowdEntry): void {
    const n = (this.counts.get(entry.bucket) ?? 0) - 1
    if (n > 0) this.counts.set(entry.bucket, n)
    else this.counts.delete(entry.bucket)
    this.total--
  }
}
