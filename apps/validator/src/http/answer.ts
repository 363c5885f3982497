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

/** What an answer says of itself in its status and the axon headers. */
export interface AnswerHead {
  readonly status: number
  readonly message: string
}

/**
 * The one way a synapse request is answered, served or refused: JSON whatever the status
 * (a dendrite parses every answer as JSON), with the `bt_header_axon_*` headers saying the
 * same as the status. `body` gets the axon terminal, which a 200 carries inside it too. The
 * head and the body leave the socket in one write; bigints (the caller's nonce) are written
 * as their exact digits. `startedMs` (`performance.now()`) is when the request arrived.
 */
export const writeAnswer = (
  response: ServerResponse,
  self: AxonSelf,
  head: AnswerHead,
  body: (axon: HeaderTerminal) => unknown,
  startedMs: number,
  close: boolean
): void => {
  if (response.headersSent || response.destroyed) return
  const axon = axonTerminal(self, head.status, head.message, (performance.now() - startedMs) / 1_000)
  const text = wireJson(body(axon))
  response.writeHead(head.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...responseHeaders(axon),
    ...closing(close)
  })
  response.end(text)
}

/** A refusal's answer: `{"message": …}` (docs/protocol.md, "Answers"). */
export const writeRefusal = (
  response: ServerResponse,
  self: AxonSelf,
  refusal: AnswerHead,
  startedMs: number,
  close: boolean
): void => writeAnswer(response, self, refusal, () => ({ message: refusal.message }), startedMs, close)

/** A refusal as the platform router answers it (the routes besides the synapses): the same bytes as `writeRefusal`. */
export const refusalResponse = (self: AxonSelf, refusal: AnswerHead): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(wireJson({ message: refusal.message }), {
    status: refusal.status,
    contentType: "application/json",
    headers: responseHeaders(axonTerminal(self, refusal.status, refusal.message, 0))
  })
