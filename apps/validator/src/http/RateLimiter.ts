import { Clock, Context, Effect, Layer } from "effect"

interface Bucket {
  tokens: number
  updatedAt: number
}

const MINUTE_MS = 60_000
// Full buckets are forgotten past this many hotkeys, so memory follows the active set.
const SWEEP_AT = 4_096

/**
 * Requests per minute per hotkey, as a token bucket: a hotkey may spend `perMinute` at
 * once and regains them evenly over a minute. `perMinute` 0 turns the limit off.
 */
export class RateLimiter extends Context.Tag("@gittensor-pat/validator/RateLimiter")<
  RateLimiter,
  {
    /** Takes one request from the hotkey's allowance; false when it has none left. */
    readonly take: (hotkey: string) => Effect.Effect<boolean>
  }
>() {}

/** A limiter allowing `perMinute` requests per hotkey (0 = unlimited). */
export const make = (options: { readonly perMinute: number }): Effect.Effect<RateLimiter["Type"]> =>
  Effect.sync(() => {
    const capacity = options.perMinute
    if (capacity <= 0) return RateLimiter.of({ take: () => Effect.succeed(true) })
    const refillPerMs = capacity / MINUTE_MS
    const buckets = new Map<string, Bucket>()

    const refill = (bucket: Bucket, now: number): void => {
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * refillPerMs)
      bucket.updatedAt = now
    }

    const sweep = (now: number): void => {
      for (const [hotkey, bucket] of buckets) {
        refill(bucket, now)
        if (bucket.tokens >= capacity) buckets.delete(hotkey)
      }
    }

    return RateLimiter.of({
      take: (hotkey) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          let bucket = buckets.get(hotkey)
          if (bucket === undefined) {
            if (buckets.size >= SWEEP_AT) sweep(now)
            bucket = { tokens: capacity, updatedAt: now }
            buckets.set(hotkey, bucket)
          } else {
            refill(bucket, now)
          }
          if (bucket.tokens < 1) return false
          bucket.tokens -= 1
          return true
        })
    })
  })

/** The limiter as a layer. */
export const layer = (options: { readonly perMinute: number }): Layer.Layer<RateLimiter> =>
  Layer.effect(RateLimiter, make(options))
