import type { IncomingHttpHeaders, IncomingMessage } from "node:http"
import {
  EMPTY_BODY_HASH,
  type NonceWindow,
  parseRequestHeaders,
  PatBroadcastSynapse,
  type RequestHeaders,
  PatCheckSynapse,
  type SignedRequest,
  type SynapseName
} from "@gittensor-pat/axon"
import type { Hotkey, Metagraph, Uid } from "@gittensor-pat/core"
import { Effect, Either, Option, Schema } from "effect"
import { budgetMillis, effectiveTimeoutSeconds, sentAtMillis } from "./budget.js"
import { fastBroadcast, fastCheck } from "./fastDecode.js"
import type { RateLimiter } from "./RateLimiter.js"
import { MAX_BODY_BYTES, readBody, refuseDeclaredTooLarge } from "./readBody.js"
import { type Refusal, Refusals } from "./refusals.js"
import { wrongFields } from "./wrongFields.js"

/** A decoded synapse, tagged by its name. */
export type DecodedSynapse =
  | { readonly name: "PatBroadcastSynapse"; readonly synapse: PatBroadcastSynapse }
  | { readonly name: "PatCheckSynapse"; readonly synapse: PatCheckSynapse }

/** A request that passed every check before admission. */
export type CheckedRequest = DecodedSynapse & {
  readonly hotkey: Hotkey
  readonly uid: Uid
  /** The `timeout` header (seconds), if the caller sent one. */
  readonly timeout: number | undefined
  /** The headers as read: what the caller says of itself, echoed in the answer. */
  readonly headers: RequestHeaders
  /** Epoch ms by which the request must be answered (CONTRACT §6). */
  readonly deadline: number
}

/** What is known of a request as it goes, for its log line even when it is refused. */
export interface Caller {
  hotkey?: string
  uid?: Uid
}

const required = <A>(value: A | undefined, status: 400 | 401, header: string): Effect.Effect<A, Refusal> =>
  value === undefined ? Effect.fail(Refusals.missingHeader(status, header)) : Effect.succeed(value)

const decodeBroadcast = Schema.decodeUnknownEither(PatBroadcastSynapse)
const decodeCheck = Schema.decodeUnknownEither(PatCheckSynapse)

// Synchronous decoding: it runs on every request and needs no effects.
const schemaDecode = (name: SynapseName, json: unknown): Either.Either<DecodedSynapse, Refusal> =>
  Either.mapLeft(
    name === "PatBroadcastSynapse"
      ? Either.map(decodeBroadcast(json), (synapse): DecodedSynapse => ({ name, synapse }))
      : Either.map(decodeCheck(json), (synapse): DecodedSynapse => ({ name, synapse })),
    (error) => Refusals.badFields(wrongFields(error))
  )

// A well-formed body skips the schema's general machinery; anything else meets the schema.
const fastDecode = (name: SynapseName, json: unknown): DecodedSynapse | undefined => {
  if (name === "PatBroadcastSynapse") {
    const synapse = fastBroadcast(json)
    return synapse && { name, synapse }
  }
  const synapse = fastCheck(json)
  return synapse && { name, synapse }
}

const decode = (name: SynapseName, json: unknown): Either.Either<DecodedSynapse, Refusal> => {
  const fast = fastDecode(name, json)
  return fast === undefined ? schemaDecode(name, json) : Either.right(fast)
}

const parseJson = (text: string): Either.Either<unknown, Refusal> =>
  Either.try({ try: () => JSON.parse(text) as unknown, catch: () => Refusals.malformedJson })

/** What the checks run on: the server's services, resolved once rather than per request. */
export interface CheckServices {
  readonly axonHotkey: string
  readonly rateLimit: number
  readonly metagraph: Metagraph["Type"]
  readonly nonces: NonceWindow["Type"]
  readonly limiter: RateLimiter["Type"]
  /** Whether the request is signed by its dendrite hotkey (CONTRACT §6). */
  readonly verify: (request: SignedRequest) => Effect.Effect<boolean>
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

const bodyRefusal = {
  BodyTooLargeError: () => Effect.fail(Refusals.tooLarge(MAX_BODY_BYTES)),
  BodyReadError: () => Effect.fail(Refusals.unreadableBody),
  BodyTimeoutError: () => Effect.fail(Refusals.bodyTimeout)
} as const

/**
 * Every check of CONTRACT §6 before admission, cheapest first: declared body size (413),
 * headers, blacklist (403), signature and nonce (401), rate limit (429), then the body,
 * read only now and only until the request's deadline (408), its decode and hash (400).
 * The signature covers the headers alone, so a caller is known to be who it says before
 * anything waits for its body. `caller` is filled in as the facts become known;
 * `arrivedAt` (epoch ms) is when Node handed over the request.
 */
export const checkRequest = (
  name: SynapseName,
  request: IncomingMessage,
  services: CheckServices,
  caller: Caller,
  arrivedAt: number
): Effect.Effect<CheckedRequest, Refusal> =>
  Effect.gen(function* () {
    yield* Effect.mapError(refuseDeclaredTooLarge(request), () => Refusals.tooLarge(MAX_BODY_BYTES))
    const headers = yield* Either.mapLeft(parseRequestHeaders(flatHeaders(request.headers)), (e) => Refusals.badHeader(e.message))
    const hotkey = (yield* required(headers.dendrite.hotkey, 400, "bt_header_dendrite_hotkey")) as Hotkey
    caller.hotkey = hotkey

    const uid = yield* services.metagraph.uidOf(hotkey)
    if (Option.isNone(uid)) return yield* Refusals.blacklisted(hotkey)
    caller.uid = uid.value

    const nonce = yield* required(headers.dendrite.nonce, 401, "bt_header_dendrite_nonce")
    const uuid = yield* required(headers.dendrite.uuid, 401, "bt_header_dendrite_uuid")
    const signature = yield* required(headers.dendrite.signature, 401, "bt_header_dendrite_signature")
    const bodyHash = headers.computedBodyHash ?? ""
    const signed = yield* services.verify({
      nonce,
      dendriteHotkey: hotkey,
      axonHotkey: services.axonHotkey,
      uuid,
      bodyHash,
      signature
    })
    if (!signed) return yield* Refusals.badSignature
    yield* services.nonces
      .check(hotkey, uuid, nonce, effectiveTimeoutSeconds(headers.timeout))
      .pipe(Effect.mapError(Refusals.nonce))
    const deadline = sentAtMillis(arrivedAt, nonce) + budgetMillis(headers.timeout)

    if (!(yield* services.limiter.take(hotkey))) return yield* Refusals.rateLimited(services.rateLimit)

    const body = yield* readBody(request, deadline).pipe(Effect.catchTags(bodyRefusal))
    const decoded = yield* Either.flatMap(parseJson(body), (json) => decode(name, json))
    if (bodyHash !== EMPTY_BODY_HASH) return yield* Refusals.bodyHash
    return { ...decoded, hotkey, uid: uid.value, timeout: headers.timeout, headers, deadline }
  })
