import type { ServerResponse } from "node:http"
import { HttpServerResponse } from "@effect/platform"
import { type HeaderTerminal, responseHeaders, type SynapseName, wireJson } from "@gittensor-pat/axon"

/** Who answers: the fields of the axon terminal that do not change per request. */
export interface AxonSelf {
  readonly hotkey: string
  readonly ip: string
  readonly port: number
  readonly version: number
  readonly uuid: string
}

const synapseRoutes: ReadonlyMap<string, SynapseName> = new Map([
  ["/PatBroadcastSynapse", "PatBroadcastSynapse"],
  ["/PatCheckSynapse", "PatCheckSynapse"]
])

// RFC 9112 §3.2.2: a server accepts a request target in absolute form (`http://host:port/path`).
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i

/**
 * The synapse a request is for: a POST to its path, the query aside (as the platform router
 * matched them) and in origin or absolute form; undefined for every other request, which
 * the router answers.
 */
export const synapseOf = (request: { readonly method?: string | undefined; readonly url?: string | undefined }): SynapseName | undefined => {
  if (request.method !== "POST") return undefined
  const target = request.url ?? ""
  const url = target.startsWith("/") ? target : target.replace(ABSOLUTE_FORM, "")
  const query = url.indexOf("?")
  return synapseRoutes.get(query < 0 ? url : url.slice(0, query))
}

/** The axon terminal of one answer. */
export const axonTerminal = (
  self: AxonSelf,
  status: number,
  message: string,
  processTimeSeconds: number
): HeaderTerminal => ({
  status_code: status,
  status_message: message,
  process_time: processTimeSeconds,
  ip: self.ip,
  port: self.port,
  version: self.version,
  uuid: self.uuid,
  hotkey: self.hotkey
})

// While draining, every answer closes its connection so that keep-alive clients move on.
const closing = (close: boolean): Record<string, string> => (close ? { connection: "close" } : {})

/**
 * An answer as a Bittensor dendrite expects it: JSON whatever the status (it parses every
 * answer as JSON), and the `bt_header_axon_*` headers.
 */
const jsonResponse = (
  status: number,
  body: unknown,
  axon: HeaderTerminal,
  close: boolean
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(JSON.stringify(body), {
    status,
    contentType: "application/json",
    headers: { ...responseHeaders(axon), ...closing(close) }
  })

/** A refusal: `{"message": …}` with the status and the axon headers saying the same. */
export const errorResponse = (
  self: AxonSelf,
  status: number,
  message: string,
  processTimeSeconds: number,
  close: boolean
): HttpServerResponse.HttpServerResponse =>
  jsonResponse(status, { message }, axonTerminal(self, status, message, processTimeSeconds), close)

/**
 * Writes an answer straight to Node's response, as `jsonResponse` would have it sent: the
 * head and the body (a string) leave the socket in one write. Bigints (the caller's nonce)
 * are written as their exact digits.
 */
export const writeJson = (response: ServerResponse, status: number, body: unknown, axon: HeaderTerminal, close: boolean): void => {
  const text = wireJson(body)
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...responseHeaders(axon),
    ...closing(close)
  })
  response.end(text)
}
