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
 * Milliseconds the validator may spend on a request (CONTRACT §6): the effective timeout
 * less a margin for the answer's trip back, 1 s, or 20 % when the timeout is under 5 s so
 * that short timeouts keep most of their time.
 */
export const budgetMillis = (timeout: number | undefined): number => {
  const ms = effectiveTimeoutSeconds(timeout) * 1_000
  const margin =
    ms < SHORT_TIMEOUT_SECONDS * 1_000 ? ms * SHORT_MARGIN_RATIO : LONG_MARGIN_MS
  return Math.floor(ms - margin)
}
