import { Clock, Config, type ConfigError, Context, Effect, Layer } from "effect"
import { NonceRejectedError } from "./errors.js"

const NS_PER_SECOND = 1_000_000_000

/** How the replay window is sized and bounded. */
export interface NonceWindowOptions {
  /** Clock skew allowed on a first nonce, in seconds (Python's `ALLOWED_DELTA`). Default 4. */
  readonly allowedDeltaSeconds?: number
  /**
   * The largest request timeout the window honours, in seconds. Default 60 (the validator's
   * cap). The `timeout` header is not signed, so it must not widen the window without bound.
   */
  readonly maxTimeoutSeconds?: number
  /** The most `hotkey:uuid` keys remembered; the least recently used go first. Default 100 000. */
  readonly maxKeys?: number
}

/**
 * Replay protection per `hotkey:uuid` (CONTRACT §6): the first nonce seen must be newer than
 * `now − 4 s − timeout`, every later one strictly greater than the last accepted.
 */
export class NonceWindow extends Context.Tag("@gittensor-pat/axon/NonceWindow")<
  NonceWindow,
  {
    /**
     * Accepts and records `nonce` (ns) for the caller, or refuses it. Call it only once the
     * signature verified: an accepted nonce moves the caller's window forward.
     */
    readonly check: (
      hotkey: string,
      uuid: string,
      nonce: bigint,
      timeoutSeconds: number
    ) => Effect.Effect<void, NonceRejectedError>
    /** How many keys are remembered now. */
    readonly size: Effect.Effect<number>
  }
>() {
  /** A fresh, empty window. */
  static readonly make = (options: NonceWindowOptions = {}): Effect.Effect<NonceWindow["Type"]> =>
    Effect.sync(() => {
      const delta = BigInt(Math.round((options.allowedDeltaSeconds ?? 4) * NS_PER_SECOND))
      const maxTimeout = options.maxTimeoutSeconds ?? 60
      const maxKeys = Math.max(1, options.maxKeys ?? 100_000)
      const horizon = delta + BigInt(Math.round(maxTimeout * NS_PER_SECOND))
      // Map order is least recently accepted first: re-inserting on accept keeps it so.
      const last = new Map<string, bigint>()

      // Once a key's last nonce is older than the widest window, any replay of it is stale
      // anyway, so forgetting the key loses nothing.
      const expire = (now: bigint) => {
        for (const [key, nonce] of last) {
          if (nonce > now - horizon) break
          last.delete(key)
        }
      }

      const check = (hotkey: string, uuid: string, nonce: bigint, timeoutSeconds: number) =>
        Effect.flatMap(Clock.currentTimeNanos, (now) => {
          const key = `${hotkey}:${uuid}`
          const previous = last.get(key)
          if (previous === undefined) {
            const timeout = Math.min(Math.max(timeoutSeconds, 0), maxTimeout)
            const oldest = now - delta - BigInt(Math.round(timeout * NS_PER_SECOND))
            if (nonce <= oldest) return Effect.fail(new NonceRejectedError({ reason: "stale" }))
          } else if (nonce <= previous) {
            return Effect.fail(new NonceRejectedError({ reason: "not-increasing" }))
          }
          last.delete(key)
          last.set(key, nonce)
          expire(now)
          // A flood of fresh uuids must not grow memory: the least recently used go first.
          while (last.size > maxKeys) last.delete(last.keys().next().value!)
          return Effect.void
        })

      return NonceWindow.of({ check, size: Effect.sync(() => last.size) })
    })

  /** The window as a layer; each build starts empty. */
  static readonly layer = (options: NonceWindowOptions = {}): Layer.Layer<NonceWindow> =>
    Layer.effect(NonceWindow, NonceWindow.make(options))

  /** The window with its options read from `Config`. */
  static readonly layerConfig = (
    config: Config.Config.Wrap<NonceWindowOptions>
  ): Layer.Layer<NonceWindow, ConfigError.ConfigError> =>
    Layer.effect(NonceWindow, Effect.flatMap(Config.unwrap(config), NonceWindow.make))
}
