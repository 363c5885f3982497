import { Data } from "effect"

/** A request header is present but cannot be read as its type (the axon answers 400). */
export class HeaderError extends Data.TaggedError("HeaderError")<{
  readonly header: string
  readonly reason: string
}> {
  override get message(): string {
    return `Invalid header ${this.header}: ${this.reason}`
  }
}

const nonceRejections = {
  stale: "Nonce is too old: it falls outside the allowed window",
  "not-increasing": "Nonce is too old, a newer one was last processed",
  future: "Nonce is ahead of the validator's clock by more than the allowed window; check this machine's clock"
} as const

/** Replay protection refused a request's nonce (the axon answers 401). */
export class NonceRejectedError extends Data.TaggedError("NonceRejectedError")<{
  readonly reason: keyof typeof nonceRejections
}> {
  override get message(): string {
    return nonceRejections[this.reason]
  }
}

/**
 * The replay window cannot take a new `hotkey:uuid` now (the axon answers 503): `hotkey`,
 * the caller already holds its share of keys; `window`, every key is taken. Keys free up as
 * their nonces age out of the window, so a retry shortly after succeeds.
 */
export class NonceWindowFullError extends Data.TaggedError("NonceWindowFullError")<{
  readonly scope: "hotkey" | "window"
}> {
  override get message(): string {
    return this.scope === "hotkey"
      ? "Too many dendrite sessions (uuids) from this hotkey in the last minute; reuse one dendrite, or retry shortly."
      : "Validator's replay window is full; retry shortly."
  }
}

/** Secret material could not be turned into a keypair. Never carries the secret itself. */
export class KeyError extends Data.TaggedError("KeyError")<{
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/** A hotkey file could not be used; `message` says what to do. Never carries a secret. */
export class WalletError extends Data.TaggedError("WalletError")<{
  readonly path: string
  readonly reason: "not-found" | "unreadable" | "malformed" | "encrypted" | "no-secret" | "address-mismatch" | "write-failed"
  readonly detail: string
}> {
  override get message(): string {
    return `Hotkey file ${this.path}: ${this.detail}`
  }
}

/** A metagraph snapshot file could not be read or does not follow docs/metagraph.md, "The snapshot file". */
export class MetagraphError extends Data.TaggedError("MetagraphError")<{
  readonly path: string
  readonly detail: string
}> {
  override get message(): string {
    return `Metagraph snapshot ${this.path}: ${this.detail}`
  }
}

/**
 * The sr25519 verifier pool could not answer. `overloaded`: its queue is full; `worker-exited`:
 * the thread holding the request died (it is replaced); `unavailable`: no thread is up right
 * now; `closed`: the pool's scope closed; `start-failed`: a thread never came up; `timeout`:
 * no answer within the caller's patience.
 */
export class VerifierError extends Data.TaggedError("VerifierError")<{
  readonly reason: "start-failed" | "worker-exited" | "unavailable" | "overloaded" | "closed" | "timeout"
  readonly detail: string
}> {
  override get message(): string {
    return `sr25519 verifier ${this.reason}: ${this.detail}`
  }
}
