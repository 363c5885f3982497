import { randomUUID } from "node:crypto"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import type { Pat } from "@gittensor-pat/core"
import { Clock, Duration, Effect, ParseResult, Schema } from "effect"
import { EMPTY_BODY_HASH } from "./bodyHash.js"
import {
  AxonConnectionError,
  AxonResponseError,
  AxonStatusError,
  AxonTimeoutError,
  type DendriteError
} from "./dendriteErrors.js"
import { readResponseHeaders, requestHeaders } from "./headers.js"
import type { Keypair } from "./Keypair.js"
import { signRequest } from "./signature.js"
import { PatBroadcastSynapse, PatCheckSynapse, type SynapseName, TerminalInfo } from "./synapse.js"
import { wireJson } from "./wireJson.js"

/**
 * The `bt_header_dendrite_version` we send: bittensor 10.2.0's `version_as_int`. Anything
 * at or above 7.2.0 tells a Python axon to apply its nonce window.
 */
export const DENDRITE_VERSION = 10_002_000

/** The request fields each synapse takes from the caller. */
export interface SynapseFields {
  readonly PatBroadcastSynapse: { readonly github_access_token: Pat }
  readonly PatCheckSynapse: Record<string, never>
}

/** The decoded answer of each synapse. */
export interface SynapseResponse {
  readonly PatBroadcastSynapse: PatBroadcastSynapse
  readonly PatCheckSynapse: PatCheckSynapse
}

/** Where an axon listens and whose hotkey it serves (a metagraph neuron's axon). */
export interface AxonTarget {
  readonly ip: string
  readonly port: number
  readonly hotkey: string
}

/** One call from a dendrite to an axon. */
export interface CallAxonOptions<N extends SynapseName> {
  readonly keypair: Keypair
  readonly target: AxonTarget
  readonly synapse: N
  readonly fields: SynapseFields[N]
  /** Seconds to wait for the whole answer; sent as the `timeout` header. Default 12. */
  readonly timeoutSeconds?: number
  /**
   * The dendrite instance's uuid. Defaults to one uuid per keypair for this process, as a
   * Python dendrite keeps one per instance; a load generator may give each client its own.
   */
  readonly uuid?: string
  /** The ip the dendrite reports for itself (Python sends its external ip). */
  readonly dendriteIp?: string
}

const uuids = new WeakMap<Keypair, string>()

/** The uuid this process's dendrite uses for `keypair`. */
export const dendriteUuid = (keypair: Keypair): string => {
  let uuid = uuids.get(keypair)
  if (uuid === undefined) {
    uuid = randomUUID()
    uuids.set(keypair, uuid)
  }
  return uuid
}

let lastNonce = 0n

// Nanoseconds since the epoch, strictly increasing within the process: two calls in the
// same nanosecond (or a clock step back) must not reuse a nonce, or the axon refuses one.
const nextNonce: Effect.Effect<bigint> = Effect.map(Clock.currentTimeNanos, (now) => {
  lastNonce = now > lastNonce ? now : lastNonce + 1n
  return lastNonce
})

const endpoint = (target: AxonTarget, name: SynapseName): string => {
  const host = target.ip.includes(":") ? `[${target.ip}]` : target.ip
  return `http://${host}:${target.port}/${name}`
}

// The schema holds a nonce as a JS number, which cannot carry a nanosecond timestamp: the
// body gets the signed header's exact digits instead, as a Python dendrite sends them.
const encodeBody = <N extends SynapseName>(
  name: N,
  fields: SynapseFields[N],
  base: Pick<PatCheckSynapse, "timeout" | "dendrite" | "axon">,
  nonce: bigint
): string => {
  const json =
    name === "PatBroadcastSynapse"
      ? Schema.encodeSync(PatBroadcastSynapse)(
          new PatBroadcastSynapse({ ...base, ...(fields as SynapseFields["PatBroadcastSynapse"]) })
        )
      : Schema.encodeSync(PatCheckSynapse)(new PatCheckSynapse(base))
  return wireJson({ ...json, dendrite: { ...json.dendrite, nonce } })
}

const decodeBody = <N extends SynapseName>(name: N, json: unknown) =>
  (name === "PatBroadcastSynapse"
    ? Schema.decodeUnknown(PatBroadcastSynapse)(json)
    : Schema.decodeUnknown(PatCheckSynapse)(json)) as Effect.Effect<SynapseResponse[N], ParseResult.ParseError>

// Paths only: an answer may echo the token, and values never go into a message.
const wrongFields = (error: ParseResult.ParseError): string =>
  [...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.join(".") || "(root)"))].join(
    ", "
  )

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Calls an axon the way Python's `Dendrite.call` does: the synapse's fields as JSON, the
 * `to_headers` set, signed by `keypair` over `nonce.dendrite.axon.uuid.bodyHash`. Succeeds
 * with the decoded answer (its `axon` merged with the `bt_header_axon_*` headers).
 */
export const callAxon = Effect.fn("Dendrite.callAxon")(function* <N extends SynapseName>(
  options: CallAxonOptions<N>
) {
  // A dendrite sends no tracing headers (b3, traceparent): the client's propagation is off.
  const client = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
  const timeoutSeconds = options.timeoutSeconds ?? 12
  const url = endpoint(options.target, options.synapse)
  const uuid = options.uuid ?? dendriteUuid(options.keypair)
  const nonce = yield* nextNonce
  const signature = signRequest(options.keypair, {
    nonce,
    axonHotkey: options.target.hotkey,
    uuid,
    bodyHash: EMPTY_BODY_HASH
  })
  const dendrite = {
    ip: options.dendriteIp ?? "127.0.0.1",
    version: DENDRITE_VERSION,
    nonce,
    uuid,
    hotkey: options.keypair.address,
    signature
  }
  const axon = { ip: options.target.ip, port: options.target.port, hotkey: options.target.hotkey }
  const body = encodeBody(
    options.synapse,
    options.fields,
    { timeout: timeoutSeconds, dendrite: TerminalInfo.make({ ...dendrite, nonce: null }), axon: TerminalInfo.make(axon) },
    nonce
  )
  const headers = requestHeaders({
    name: options.synapse,
    timeout: timeoutSeconds,
    dendrite,
    axon,
    totalSize: Buffer.byteLength(body)
  })
  const request = HttpClientRequest.post(url).pipe(
    HttpClientRequest.setHeaders(headers),
    HttpClientRequest.bodyText(body, "application/json")
  )
  const exchange = Effect.flatMap(client.execute(request), (response) =>
    Effect.map(response.text, (text) => ({ response, text }))
  )
  const { response, text } = yield* exchange.pipe(
    Effect.timeoutFail({
      duration: Duration.seconds(timeoutSeconds),
      onTimeout: () => new AxonTimeoutError({ url, timeoutSeconds })
    }),
    Effect.catchTag("RequestError", (error) => Effect.fail(new AxonConnectionError({ url, detail: error.message }))),
    Effect.catchTag("ResponseError", (error) => Effect.fail(new AxonResponseError({ url, detail: error.message })))
  )
  const json = parseJson(text)
  if (response.status !== 200) {
    const message = isRecord(json) && typeof json.message === "string" ? json.message : undefined
    return yield* new AxonStatusError({ url, status: response.status, statusMessage: message })
  }
  if (!isRecord(json)) return yield* new AxonResponseError({ url, detail: "the body is not a JSON object" })
  // Python's dendrite lets the axon's headers override the axon terminal of the body.
  const axonTerminal = { ...(isRecord(json.axon) ? json.axon : {}), ...readResponseHeaders(response.headers) }
  return yield* decodeBody(options.synapse, { ...json, axon: axonTerminal }).pipe(
    Effect.mapError((error) => new AxonResponseError({ url, detail: `wrong fields: ${wrongFields(error)}` }))
  )
}) as <N extends SynapseName>(
  options: CallAxonOptions<N>
) => Effect.Effect<SynapseResponse[N], DendriteError, HttpClient.HttpClient>
