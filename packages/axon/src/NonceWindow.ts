import { createHash } from "node:crypto"
import { Metagraph } from "@gittensor-pat/core"
import { Clock, Config, type ConfigError, Context, Effect, Layer } from "effect"
import { NonceRejectedError, NonceWindowFullError } from "./errors.js"
import { makeExpiryWheel } from "./expiryWheel.js"

const NS_PER_SECOND = 1_000_000_000n

/** How the replay window is sized and bounded. */
export interface NonceWindowOptions {
  /** Clock skew allowed on a nonce, in seconds (Python's `ALLOWED_DELTA`). Default 4. */
  readonly allowedDeltaSeconds?: number
  /**
   * The largest request timeout the window honours, in seconds. Default 60 (the validator's
   * cap). The `timeout` header is not signed, so it must not widen the window without bound.
   */
  readonly maxTimeoutSeconds?: number
  /**
   * The most `hotkey:uuid` keys remembered at once. Default 100 000. When they are all
   * taken, new keys are refused rather than remembered ones forgotten.
   */
  readonly maxKeys?: number
}

/** How many hotkeys share the window when nobody says: a subnet's usual number of uids. */
export const DEFAULT_WINDOW_HOTKEYS = 256

// A key is the caller's hotkey and uuid, both from headers: a longer one is kept as its
// digest, so a uuid of kilobytes costs what a short one does. A digest (base64) holds no
// ":", so it never equals a key kept as it is.
const MAX_KEY_LENGTH = 128
const keyOf = (hotkey: string, uuid: string): string => {
  const key = `${hotkey}:${uuid}`
  return key.length <= MAX_KEY_LENGTH ? key : createHash("sha256").update(key).digest("base64")
}

const nanos = (seconds: number): bigint => BigInt(Math.round(seconds * 1e9))

// The keys one hotkey holds.
interface Share {
  readonly hotkey: string
  held: number
}

// A remembered key and its last accepted nonce.
interface Held {
  readonly key: string
  readonly share: Share
  nonce: bigint
}

/**
 * Replay protection per `hotkey:uuid` (docs/protocol.md, "Nonces"): the first nonce seen must be newer than
 * `now − 4 s − timeout`, every later one strictly greater than the last accepted, and none
 * more than `4 s + timeout` ahead of the clock. A key is remembered until its last nonce is
 * older than `now − 4 s − 60 s` (no replay of it could pass then); keys age out on a timing
 * wheel, so expiry costs O(1) per check, amortised. When the window is full, new keys are
 * refused; each hotkey may hold at most `maxKeys / hotkeys` of them, `hotkeys` being how many
 * share the window (the registered ones), so that the shares of every hotkey fit together.
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
    ) => Effect.Effect<void, NonceRejectedError | NonceWindowFullError>
    /** How many keys are remembered now. */
    readonly size: Effect.Effect<number>
  }
>() {
  /**
   * A fresh, empty window. `hotkeys` says how many hotkeys share it now (read when a key is
   * new); default `DEFAULT_WINDOW_HOTKEYS`.
   */
  static readonly make = (
    options: NonceWindowOptions = {},
    hotkeys: Effect.Effect<number> = Effect.succeed(DEFAULT_WINDOW_HOTKEYS)
  ): Effect.Effect<NonceWindow["Type"]> =>
    Effect.sync(() => {
      const delta = nanos(options.allowedDeltaSeconds ?? 4)
      const maxTimeout = options.maxTimeoutSeconds ?? 60
      const maxKeys = Math.max(1, options.maxKeys ?? 100_000)
      // The widest window: a nonce this old cannot pass whatever timeout the caller states.
      const horizon = delta + nanos(maxTimeout)
      const keys = new Map<string, Held>()
      const shares = new Map<string, Share>()
      // A key is forgotten once its last nonce is `horizon` old: no replay of it passes then.
      // A nonce is at most `horizon` ahead, so a key expires within 2 × horizon of its check.
      const wheel = makeExpiryWheel<Held>(2n * horizon, NS_PER_SECOND, (held) => held.nonce + horizon)

      const forget = (held: Held) => {
        keys.delete(held.key)
        if (--held.share.held === 0) shares.delete(held.share.hotkey)
      }

      const admit = (hotkey: string, key: string, nonce: bigint) =>
        Effect.flatMap(hotkeys, (sharedBy) => {
          const share = shares.get(hotkey) ?? { hotkey, held: 0 }
          if (share.held >= Math.max(1, Math.floor(maxKeys / Math.max(1, sharedBy)))) {
            return Effect.fail(new NonceWindowFullError({ scope: "hotkey" }))
          }
          if (keys.size >= maxKeys) return Effect.fail(new NonceWindowFullError({ scope: "window" }))
          if (share.held++ === 0) shares.set(hotkey, share)
          const held: Held = { key, share, nonce }
          keys.set(key, held)
          wheel.schedule(held)
          return Effect.void
        })

      const check = (hotkey: string, uuid: string, nonce: bigint, timeoutSeconds: number) =>
        Effect.flatMap(Clock.currentTimeNanos, (now): Effect.Effect<void, NonceRejectedError | NonceWindowFullError> => {
          wheel.advance(now, forget)
          const reach = delta + nanos(Math.min(Math.max(timeoutSeconds, 0), maxTimeout) || 0)
          // Also on a known key: a nonce far ahead would pin its key (and its share) for as long.
          if (nonce > now + reach) return Effect.fail(new NonceRejectedError({ reason: "future" }))
          const key = keyOf(hotkey, uuid)
          const held = keys.get(key)
          if (held === undefined) {
            if (nonce <= now - reach) return Effect.fail(new NonceRejectedError({ reason: "stale" }))
            return admit(hotkey, key, nonce)
          }
          if (nonce <= held.nonce) return Effect.fail(new NonceRejectedError({ reason: "not-increasing" }))
          held.nonce = nonce
          return Effect.void
        })

      return NonceWindow.of({ check, size: Effect.sync(() => keys.size) })
    })

  /** The window as a layer, shared by `DEFAULT_WINDOW_HOTKEYS`; each build starts empty. */
  static readonly layer = (options: NonceWindowOptions = {}): Layer.Layer<NonceWindow> =>
    Layer.effect(NonceWindow, NonceWindow.make(options))

  /** The window shared by the `Metagraph`'s registered hotkeys (a share each, as it changes). */
  static readonly layerMetagraph = (options: NonceWindowOptions = {}): Layer.Layer<NonceWindow, never, Metagraph> =>
    Layer.effect(
      NonceWindow,
      Effect.flatMap(Metagraph, (metagraph) =>
        NonceWindow.make(
          options,
          Effect.map(metagraph.neurons, (neurons) => neurons.length)
        )
      )
    )

  /** The window with its options read from `Config`. */
  static readonly layerConfig = (
    config: Config.Config.Wrap<NonceWindowOptions>
  ): Layer.Layer<NonceWindow, ConfigError.ConfigError> =>
    Layer.effect(NonceWindow, Effect.flatMap(Config.unwrap(config), (options) => NonceWindow.make(options)))
}
