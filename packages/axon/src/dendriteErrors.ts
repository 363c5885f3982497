import { Data } from "effect"

/** The axon gave no complete answer within the call's timeout. */
export class AxonTimeoutError extends Data.TaggedError("AxonTimeoutError")<{
  readonly url: string
  readonly timeoutSeconds: number
}> {
  override get message(): string {
    return `No answer from ${this.url} within ${this.timeoutSeconds} s`
  }
}

/** The axon could not be reached: refused, reset, unroutable. */
export class AxonConnectionError extends Data.TaggedError("AxonConnectionError")<{
  readonly url: string
  readonly detail: string
}> {
  override get message(): string {
    return `Could not reach ${this.url}: ${this.detail}`
  }
}

/** The axon answered with a status other than 200; `statusMessage` is its JSON `message`. */
export class AxonStatusError extends Data.TaggedError("AxonStatusError")<{
  readonly url: string
  readonly status: number
  readonly statusMessage: string | undefined
}> {
  override get message(): string {
    return `${this.url} answered ${this.status}${this.statusMessage === undefined ? "" : `: ${this.statusMessage}`}`
  }
}

/** The axon answered 200 with a body that is not the synapse it was asked for. */
export class AxonResponseError extends Data.TaggedError("AxonResponseError")<{
  readonly url: string
  readonly detail: string
}> {
  override get message(): string {
    return `Unreadable answer from ${this.url}: ${this.detail}`
  }
}

/** Every way a dendrite call can fail. */
export type DendriteError = AxonTimeoutError | AxonConnectionError | AxonStatusError | AxonResponseError
