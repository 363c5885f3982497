import type { RequestInput } from "./requestText.js"
import type { Signed, SignerPool } from "./signerPool.js"

/**
 * How old a nonce may be when its request goes out; an older one is signed again. The
 * validator counts a request's deadline from its nonce, so a request signed ahead arrives
 * with its budget already shortened by the nonce's age: a dendrite signs just before
 * sending, and a load generator should not be far off it.
 */
export const maxNonceAgeMs = 100

// Signing is planned this long before the caller is expected to want the request, to
// cover the signing itself and a turn or two of the signing thread's queue.
const leadMs = 10

/** How a group's requests were signed: counts, and each sent request's nonce age. */
export interface SigningStats {
  /** Requests that had to wait for their signature (none was ready, or it was stale). */
  waited: number
  /** Signatures thrown away because they were older than `maxNonceAgeMs` when wanted. */
  resigned: number
  /** Nonce age in ms of every request at the moment it was handed to its socket. */
  readonly ages: Array<number>
}

/** A caller's next request, signed ahead on the signing threads. */
export interface Presigner {
  /** Plans to sign `input` in `inMs` (less a lead): the caller expects to want it then. */
  readonly plan: (input: RequestInput, inMs: number) => void
  /** Hands over the planned request, fresh: at once if it is ready, else once signed. */
  readonly take: (done: (signed: Signed) => void) => void
  /** Drops whatever is planned or being signed. */
  readonly cancel: () => void
}

const nowMs = () => performance.timeOrigin + performance.now()

/** A presigner for one closed-loop caller. */
export const makePresigner = (pool: SignerPool, stats: SigningStats): Presigner => {
  let planned: RequestInput | undefined
  let timer: NodeJS.Timeout | undefined
  let ready: Signed | undefined
  let signing = false
  let wanted: ((signed: Signed) => void) | undefined
  // Bumped on each plan or cancel, so a signature for an abandoned plan is ignored.
  let generation = 0

  const hand = (done: (signed: Signed) => void, signed: Signed) => {
    stats.ages.push(Math.max(0, nowMs() - signed.signedAtMs))
    done(signed)
  }

  const start = () => {
    timer = undefined
    if (planned === undefined) return
    signing = true
    const mine = generation
    pool.sign(planned, (signed) => {
      if (mine !== generation) return
      signing = false
      const done = wanted
      wanted = undefined
      if (done === undefined) ready = signed
      else hand(done, signed)
    })
  }

  const cancel = () => {
    generation += 1
    clearTimeout(timer)
    timer = undefined
    ready = undefined
    signing = false
    wanted = undefined
  }

  return {
    plan: (input, inMs) => {
      cancel()
      planned = input
      timer = setTimeout(start, Math.max(0, inMs - leadMs))
    },
    take: (done) => {
      const signed = ready
      ready = undefined
      if (signed !== undefined && nowMs() - signed.signedAtMs <= maxNonceAgeMs) return hand(done, signed)
      if (signed !== undefined) stats.resigned += 1
      stats.waited += 1
      wanted = done
      if (timer !== undefined) clearTimeout(timer)
      if (!signing) start()
    },
    cancel
  }
}
