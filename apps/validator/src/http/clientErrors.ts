import { type IncomingMessage, maxHeaderSize, type Server, type ServerOptions, type ServerResponse, STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import { responseHeaders } from "@gittensor-pat/axon"
import { Effect, type Scope } from "effect"
import { MAX_TIMEOUT_SECONDS } from "./budget.js"
import { type AxonSelf, axonTerminal, writeRefusal } from "./answer.js"
import { Refusals } from "./refusals.js"

const HEADERS_TIMEOUT_MS = 5_000
const REQUEST_TIMEOUT_MS = (MAX_TIMEOUT_SECONDS + 5) * 1_000

/** How long the server waits on a client, for `http.createServer`. */
export const serverOptions: ServerOptions = {
  // A dendrite sends its headers in one piece: one that trickles them is cut (408) within
  // seconds, not Node's minute.
  headersTimeout: HEADERS_TIMEOUT_MS,
  // Synapse bodies are bounded by their own deadline (≤ 60 s, see `readBody`); this is the
  // backstop for everything else, instead of Node's five minutes.
  requestTimeout: REQUEST_TIMEOUT_MS,
  // An idle connection is kept as long as a Python axon (uvicorn) keeps it.
  keepAliveTimeout: 5_000,
  // Node enforces the two timeouts above on this period; its default, 30 s, would let them
  // overrun by as much.
  connectionsCheckingInterval: 1_000,
  // Node would answer a request without Host with a bare 400; `refuseHostless` answers it.
  requireHostHeader: false
}

/** What a request that Node could not parse is answered: status and message. */
interface ParseErrorAnswer {
  readonly status: number
  readonly message: string
}

const byCode: Readonly<Record<string, ParseErrorAnswer>> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: `Request headers too large: at most ${maxHeaderSize} bytes` },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, message: "Request chunk extensions too large" },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    message: `Request not received in time: headers within ${HEADERS_TIMEOUT_MS / 1_000} s, the whole request within ${REQUEST_TIMEOUT_MS / 1_000} s`
  }
}

// llhttp's reason is a fixed text ("Invalid header value char"), never the request's bytes.
const answerFor = (error: Error & { readonly code?: string; readonly reason?: string }): ParseErrorAnswer =>
  byCode[error.code ?? ""] ?? {
    status: 400,
    message: `Malformed HTTP request: ${(error.reason ?? error.code ?? "unparseable").replace(/[^\x20-\x7e]/g, "?")}`
  }

/**
 * An answer written straight to a socket that Node's parser gave up on: the JSON error
 * shape of docs/protocol.md, "Answers", with the axon headers, and the connection closed after it.
 */
const rawAnswer = (self: AxonSelf, { status, message }: ParseErrorAnswer): string => {
  const body = JSON.stringify({ message })
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    ...responseHeaders(axonTerminal(self, status, message, 0)),
    connection: "close"
  }
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${head.join("")}\r\n${body}`
}

// The response Node has attached to the socket, if any: once its head is out, a raw answer
// would corrupt it.
const answerStarted = (socket: Duplex): boolean =>
  (socket as Duplex & { readonly _httpMessage?: { readonly headersSent: boolean } | null })._httpMessage?.headersSent === true

/** HTTP/1.1 requires Host (RFC 9112 §3.2); Node's check is off (`serverOptions`) so that this one answers as JSON. */
export const lacksHost = (request: IncomingMessage): boolean =>
  request.httpVersion === "1.1" && request.headers.host === undefined

/** Answers a request without Host: 400 as JSON, the connection closed. */
export const refuseHostless = (response: ServerResponse, self: AxonSelf): void =>
  writeRefusal(response, self, Refusals.hostless, performance.now(), true)

/**
 * Answers what Node's HTTP parser refuses (bad header bytes, duplicate or conflicting
 * `Content-Length`, oversized headers, timeouts) and unknown `Expect` values in docs/protocol.md's
 * JSON error shape, where the socket still allows an answer, instead of Node's bare status
 * lines. Installed for the life of the scope.
 */
export const answerClientErrors = (server: Server, self: AxonSelf): Effect.Effect<void, never, Scope.Scope> => {
  const onClientError = (error: Error & { readonly code?: string }, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable || answerStarted(socket)) return socket.destroy()
    socket.end(rawAnswer(self, answerFor(error)), () => socket.destroy())
  }
  const onExpectation = (_request: IncomingMessage, response: ServerResponse) =>
    writeRefusal(response, self, Refusals.unknownExpectation, performance.now(), true)
  return Effect.acquireRelease(
    Effect.sync(() => {
      server.on("clientError", onClientError)
      server.on("checkExpectation", onExpectation)
    }),
    () =>
      Effect.sync(() => {
        server.off("clientError", onClientError)
        server.off("checkExpectation", onExpectation)
      })
  )
}
