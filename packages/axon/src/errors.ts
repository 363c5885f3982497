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

/** Replay protection refused a request's nonce (the axon answers 401). */
export class NonceRejectedError extends Data.TaggedError("NonceRejectedError")<{
  readonly reason: "stale" | "not-increasing"
}> {
  override get message(): string {
    return this.reason === "stale"
      ? "Nonce is too old: it falls outside the allowed window"
      : "Nonce is too old, a newer one was last processed"
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

/** A metagraph snapshot file could not be read or does not follow CONTRACT §8. */
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
 * now; `closed`: the pool's scope closed; `start-failed`: a thread never came up.
 */
export class VerifierError extends Data.TaggedError("VerifierError")<{
  readonly reason: "start-failed" | "worker-exited" | "unavailable" | "overloaded" | "closed"
  readonly detail: string
}> {
  override get message(): string {
    return `sr25519 verifier ${this.reason}: ${this.detail}`
  }
}
