import type { RequestInput, Target } from "./requestText.js"

/** What the sending thread asks of a signing thread. */
export type SignerRequest =
  /** Derive these miners' keys and sign for `target` from now on; answered by `prepared`. */
  | {
      readonly kind: "prepare"
      readonly id: number
      readonly target: Target
      readonly miners: ReadonlyArray<number>
    }
  /** Sign these requests, each under its job id. */
  | { readonly kind: "sign"; readonly jobs: ReadonlyArray<readonly [number, RequestInput]> }

/** What a signing thread answers. */
export type SignerReply =
  | { readonly kind: "prepared"; readonly id: number }
  /** `[job id, request bytes, nonce time in ms]`; empty bytes for a miner it was not prepared for. */
  | { readonly kind: "signed"; readonly results: ReadonlyArray<readonly [number, string, number]> }
