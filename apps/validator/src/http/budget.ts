/** The timeout a dendrite gets when it sends none (Bittensor's default, seconds). */
export const DEFAULT_TIMEOUT_SECONDS = 12

/** No request runs longer than this, whatever timeout the caller asks for (seconds). */
export const MAX_TIMEOUT_SECONDS = 60

const SHORT_TIMEOUT_SECONDS = 5
const LONG_MARGIN_MS = 1_000
const SHORT_MARGIN_RATIO = 0.2

/**
 * The caller's timeout as the validator honours it: the header's seconds, the default when
 * it is absent or unusable, capped at `MAX_TIMEOUT_SECONDS`.
 */
export const effectiveTimeoutSeconds = (timeout: number | undefined): number =>
  timeout === undefined || !Number.isFinite(timeout) || timeout <= 0
    ? DEFAULT_TIMEOUT_SECONDS
    : Math.min(timeout, MAX_TIMEOUT_SECONDS)

/**
 * Milliseconds the validator may spend on a request (docs/protocol.md, "Deadline and timeouts"): the effective timeout
 * less a margin for the answer's trip back, 1 s, or 20 % when the timeout is under 5 s so
 * that short timeouts keep most of their time.
 */
export const budgetMillis = (timeout: number | undefined): number => {
  const ms = effectiveTimeoutSeconds(timeout) * 1_000
  const margin =
    ms < SHORT_TIMEOUT_SECONDS * 1_000 ? ms * SHORT_MARGIN_RATIO : LONG_MARGIN_MS
  return Math.floor(ms - margin)
}

/** How far before its arrival a request may be taken to have been sent (the nonce window's allowance). */
export const MAX_SEND_LEAD_MS = 4_000

/**
 * When the caller started its timeout, as best the validator can tell: the dendrite's nonce
 * is its send time in nanoseconds. Under a burst Node may parse a request seconds after it
 * was sent, and a deadline counted from that arrival would fall after the caller gave up.
 * The nonce is trusted only within `MAX_SEND_LEAD_MS` before the arrival and never after
 * it, so a skewed or forged clock can only shorten the budget, never lengthen it.
 */
export const sentAtMillis = (arrivalMs: number, nonceNs: bigint | undefined): number => {
  if (nonceNs === undefined) return arrivalMs
  const nonceMs = Number(nonceNs / 1_000_000n)
  return Math.min(arrivalMs, Math.max(nonceMs, arrivalMs - MAX_SEND_LEAD_MS))
}
