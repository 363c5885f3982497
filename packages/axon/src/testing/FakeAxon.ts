import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Either, type Scope } from "effect"
import { parseRequestHeaders, type RequestHeaders, responseHeaders } from "../headers.js"
import type { Keypair } from "../Keypair.js"
import { verifyRequest } from "../signature.js"

/** One request as the fake axon saw it. */
export interface FakeAxonRequest {
  readonly path: string
  /** Undefined when the headers could not be parsed. */
  readonly headers: RequestHeaders | undefined
  readonly rawHeaders: Record<string, string | undefined>
  /** The JSON body, or undefined when it was not JSON. */
  readonly body: unknown
  /** The body as sent (JSON.parse rounds integers beyond 2^53; this text does not). */
  readonly rawBody: string
  /** Whether the dendrite signature verifies for this axon's hotkey. */
  readonly signatureValid: boolean
}

/** What the fake axon answers: a status and JSON body, or nothing at all (`hang`). */
export type FakeAxonAnswer =
  | { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly hang: true }

/** A running fake axon on 127.0.0.1. */
export interface FakeAxon {
  readonly port: number
  /** Every request received so far, oldest first. */
  readonly requests: ReadonlyArray<FakeAxonRequest>
}

const flatten = (headers: IncomingHttpHeaders): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]))

const signatureValid = (headers: RequestHeaders | undefined, axonHotkey: string): boolean => {
  const { dendrite } = headers ?? { dendrite: undefined }
  if (dendrite?.nonce === undefined || !dendrite.hotkey || !dendrite.uuid || !dendrite.signature) return false
  return verifyRequest({
    nonce: dendrite.nonce,
    dendriteHotkey: dendrite.hotkey,
    axonHotkey,
    uuid: dendrite.uuid,
    bodyHash: headers?.computedBodyHash ?? "",
    signature: dendrite.signature
  })
}

/**
 * A loopback HTTP server that plays a validator's axon for dendrite tests: it records and
 * checks each request (headers, signature against `keypair`), then answers as `answer`
 * says, with the `bt_header_axon_*` headers of a real axon. Closed with the scope.
 */
export const serveFakeAxon = (options: {
  readonly keypair: Keypair
  readonly answer: (request: FakeAxonRequest) => FakeAxonAnswer
}): Effect.Effect<FakeAxon, never, Scope.Scope> =>
  Effect.gen(function* () {
    const requests: Array<FakeAxonRequest> = []
    const server: Server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const rawHeaders = flatten(req.headers)
        const headers = Either.getOrUndefined(parseRequestHeaders(rawHeaders))
        const rawBody = Buffer.concat(chunks).toString("utf8")
        let body: unknown
        try {
          body = JSON.parse(rawBody)
        } catch {
          body = undefined
        }
        const request: FakeAxonRequest = {
          path: req.url ?? "/",
          headers,
          rawHeaders,
          body,
          rawBody,
          signatureValid: signatureValid(headers, options.keypair.address)
        }
        requests.push(request)
        const answer = options.answer(request)
        if ("hang" in answer) return
        const message = typeof answer.body === "object" && answer.body !== null && "message" in answer.body
        res.writeHead(answer.status, {
          "content-type": "application/json",
          ...responseHeaders({
            status_code: answer.status,
            status_message: message ? String(answer.body.message) : "Success",
            hotkey: options.keypair.address
          }),
          ...answer.headers
        })
        res.end(JSON.stringify(answer.body))
      })
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    return {
      port: (server.address() as AddressInfo).port,
      get requests() {
        return requests
      }
    }
  })
