import type { IncomingHttpHeaders, IncomingMessage } from "node:http"
import { parseRequestHeaders, type RequestHeaders, type SynapseName } from "@gittensor-pat/axon"
import type { Hotkey, Metagraph, Uid } from "@gittensor-pat/core"
import { Effect, Either, Option } from "effect"
import { budgetMillis, sentAtMillis } from "./budget.js"

/** A caller the metagraph knows: its hotkey, uid and stake. */
export interface Registered {
  readonly hotkey: Hotkey
  readonly uid: Uid
  readonly stake: number
}

/**
 * What a synapse request says of itself, read once from its headers when it arrives and
 * handed down to every step after: the front door, the request checks, admission, the
 * pipeline, the answer and its log line.
 */
export interface Arrival {
  readonly synapse: SynapseName
  /** `performance.now()` when Node handed the request over: the answer's process time runs from here. */
  readonly startedMs: number
  /** The headers as axon reads them, or why they cannot be read (refused with 400 in the checks' order). */
  readonly headers: Either.Either<RequestHeaders, string>
  /** The hotkey the request says it comes from, verified or not. */
  readonly hotkey: string | undefined
  /** The caller, when that hotkey is registered. */
  readonly caller: Option.Option<Registered>
  /**
   * Epoch ms by which the request must be answered (docs/protocol.md, "Deadline and timeouts"): its timeout counted from
   * when the caller sent it (its nonce, trusted only a little before the arrival).
   */
  readonly deadline: number
}

// Node keeps a repeated header as an array; an axon reads the values joined, as fetch does.
const flatHeaders = (headers: IncomingHttpHeaders): Record<string, string | undefined> => {
  for (const value of Object.values(headers)) {
    if (Array.isArray(value)) {
      return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]))
    }
  }
  return headers as Record<string, string | undefined>
}

const registered = (metagraph: Metagraph["Type"], hotkey: string | undefined): Effect.Effect<Option.Option<Registered>> =>
  hotkey === undefined
    ? Effect.succeedNone
    : Effect.flatMap(metagraph.uidOf(hotkey as Hotkey), (uid) =>
        Option.isNone(uid)
          ? Effect.succeedNone
          : Effect.map(metagraph.stakeOf(uid.value), (stake) => Option.some({ hotkey: hotkey as Hotkey, uid: uid.value, stake }))
      )

/**
 * Reads a synapse request's headers (axon's parser), its caller and its deadline.
 * `arrivedAt` (epoch ms) and `startedMs` are read in Node's request event: the caller's
 * timeout runs from when it sent the request, not from when its fiber starts.
 */
export const arrive = (
  synapse: SynapseName,
  request: IncomingMessage,
  metagraph: Metagraph["Type"],
  arrivedAt: number,
  startedMs: number
): Effect.Effect<Arrival> => {
  const headers = Either.mapLeft(parseRequestHeaders(flatHeaders(request.headers)), (error) => error.message)
  const parsed = Either.getOrUndefined(headers)
  const hotkey = parsed?.dendrite.hotkey
  return Effect.map(registered(metagraph, hotkey), (caller) => ({
    synapse,
    startedMs,
    headers,
    hotkey,
    caller,
    deadline: sentAtMillis(arrivedAt, parsed?.dendrite.nonce) + budgetMillis(parsed?.timeout)
  }))
}
