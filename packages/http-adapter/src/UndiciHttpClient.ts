import {
  Cookies,
  Headers,
  HttpClient,
  HttpClientError,
  type HttpClientRequest,
  HttpClientResponse,
  HttpIncomingMessage,
  UrlParams
} from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import * as Undici from "@effect/platform-node/Undici"
import { Cause, Effect, Either, FiberRef, Inspectable, Layer, Option, Stream } from "effect"

/**
 * How long one request may take, from dispatch to the last byte of its answer (ms), for the
 * requests the fiber executes; unset, a request is bounded only by interruption. A fiber
 * ref, as the platform's own per-request settings are (`HttpClient.currentTracerPropagation`):
 * racing each request against a sleeping fiber (`Effect.timeout`) cost several times the
 * request's own dispatch (bench/README.md).
 */
export const currentRequestTimeout: FiberRef.FiberRef<number | undefined> = FiberRef.unsafeMake<number | undefined>(
  undefined
)

/** Bounds each request `self` executes by `millis` (see `currentRequestTimeout`). */
export const withTimeout =
  (millis: number) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentRequestTimeout, millis)

/** Whether a client error is a request that ran out of its `currentRequestTimeout`. */
export const isTimeout = (error: HttpClientError.HttpClientError): boolean =>
  error._tag === "RequestError" && Cause.isTimeoutException(error.cause)

/** How the client reads answers. */
export interface Options {
  /** Bytes of an answer's body kept at most; the download stops there (default 1 MiB). */
  readonly maxBodyBytes?: number
}

const decoder = new TextDecoder()

/** The first `maxBytes` of a body received in `parts`, as text. */
const cappedText = (parts: ReadonlyArray<Uint8Array>, maxBytes: number): string => {
  // Most answers arrive in one chunk, which needs no copy.
  if (parts.length === 1) return decoder.decode(parts[0]!.subarray(0, maxBytes))
  const bytes = new Uint8Array(parts.reduce((size, part) => size + part.length, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return decoder.decode(bytes.subarray(0, maxBytes))
}

type RawHeaders = Record<string, string | ReadonlyArray<string> | undefined>

/** A whole answer, read before it is handed over: its body is plain text, not a stream. */
class ReadResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: RawHeaders,
    private readonly body: string
  ) {
    super()
  }

  private cachedHeaders: Headers.Headers | undefined

  get headers(): Headers.Headers {
    this.cachedHeaders ??= Headers.fromInput(this.rawHeaders as Record<string, string | ReadonlyArray<string>>)
    return this.cachedHeaders
  }

  get cookies(): Cookies.Cookies {
    const header = this.rawHeaders["set-cookie"]
    return header === undefined ? Cookies.empty : Cookies.fromSetCookie(typeof header === "string" ? [header] : header)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.succeed(this.body)
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => (this.body === "" ? null : (JSON.parse(this.body) as unknown)),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => UrlParams.fromInput(new URLSearchParams(this.body)),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => new TextEncoder().encode(this.body).buffer as ArrayBuffer)
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.decodeError("form data is not read by this client"))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(new TextEncoder().encode(this.body))
  }

  toJSON(): unknown {
    return { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status }
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }
}

/**
 * One exchange, collected straight from undici's dispatch callbacks: no response stream or
 * promise per request. `settle` is called once, with the status, headers and body, or with
 * the reason no whole answer arrived.
 */
class Exchange implements Undici.Dispatcher.DispatchHandler {
  private controller: Undici.Dispatcher.DispatchController | undefined
  private abandoned = false
  private status = 0
  private headers: RawHeaders = {}
  private readonly parts: Array<Uint8Array> = []
  private size = 0

  constructor(
    private readonly maxBytes: number,
    private readonly settle: (answer: { status: number; headers: RawHeaders; body: string } | Error) => void
  ) {}

  /** Stops the exchange: at once if it is on a socket, else as soon as it reaches one. */
  abandon(): void {
    this.abandoned = true
    this.controller?.abort(new Error("request abandoned"))
  }

  onRequestStart(controller: Undici.Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abandoned) controller.abort(new Error("request abandoned"))
  }

  onResponseStart(_: Undici.Dispatcher.DispatchController, status: number, headers: RawHeaders): void {
    this.status = status
    this.headers = headers
  }

  // A body over the cap is a broken peer whose tail we must not hold in memory: the
  // download stops there and the answer is what arrived.
  onResponseData(controller: Undici.Dispatcher.DispatchController, chunk: Uint8Array): void {
    this.parts.push(chunk)
    this.size += chunk.length
    if (this.size < this.maxBytes) return
    this.finish()
    controller.abort(new Error("answer over the size limit"))
  }

  onResponseEnd(): void {
    this.finish()
  }

  onResponseError(_: Undici.Dispatcher.DispatchController, error: Error): void {
    this.settle(error)
  }

  private finish(): void {
    this.settle({ status: this.status, headers: this.headers, body: cappedText(this.parts, this.maxBytes) })
  }
}

const bodyOf = (request: HttpClientRequest.HttpClientRequest): string | Uint8Array | null => {
  switch (request.body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return request.body.body
    case "Raw":
      return typeof request.body.body === "string" ? request.body.body : null
    default:
      return null
  }
}

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.RequestError({ request, reason: "Transport", cause })

/**
 * An `HttpClient` over an undici dispatcher that reads each answer whole (up to
 * `maxBodyBytes`) before handing it over, and bounds each request by
 * `currentRequestTimeout`. For small JSON APIs called at a high rate: per request it costs a fraction
 * of `NodeHttpClient.makeUndici` (see bench/README.md), which streams every body through a
 * promise. Streamed and form-data request bodies are not sent.
 */
export const make = (dispatcher: Undici.Dispatcher, options: Options = {}): HttpClient.HttpClient => {
  const maxBytes = options.maxBodyBytes ?? 1024 * 1024
  const send = (request: HttpClientRequest.HttpClientRequest, url: URL, timeoutMs: number | undefined) =>
    Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
      let pending = true
      const settle = (result: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => {
        if (!pending) return
        pending = false
        if (timer !== undefined) clearTimeout(timer)
        resume(result)
      }
      const exchange = new Exchange(maxBytes, (answer) =>
        settle(
          answer instanceof Error
            ? Effect.fail(transportError(request, answer))
            : Effect.succeed(new ReadResponse(request, answer.status, answer.headers, answer.body))
        )
      )
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              settle(Effect.fail(transportError(request, new Cause.TimeoutException(`no answer within ${timeoutMs} ms`))))
              exchange.abandon()
            }, timeoutMs)
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method,
          headers: request.headers,
          body: bodyOf(request),
          // The timer above decides when a request is over.
          headersTimeout: 0,
          bodyTimeout: 0
        },
        exchange
      )
      return Effect.sync(() => {
        pending = false
        if (timer !== undefined) clearTimeout(timer)
        exchange.abandon()
      })
    })
  // `HttpClient.makeWith` rather than `make`: an AbortController, a finalization registry
  // entry and a response wrapper per request buy nothing when the answer is read before it is
  // handed over and interruption already abandons the exchange.
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (prepared) =>
      Effect.flatMap(prepared, (request) =>
        Effect.withFiberRuntime((fiber) =>
          Either.match(UrlParams.makeUrl(request.url, request.urlParams, request.hash), {
            onLeft: (cause) => Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause })),
            onRight: (url) => send(request, url, fiber.getFiberRef(currentRequestTimeout))
          })
        )
      ),
    Effect.succeed
  )
}

/**
 * One keep-alive pool for every call: at thousands of calls a second a fresh TCP (and TLS)
 * handshake per request would cost more than the answer. No cap on sockets: a hanging peer
 * holds each call's socket until its timeout, and a cap made healthy calls queue behind
 * stuck ones; the caller's own admission bounds how many are in flight.
 */
export const dispatcherLayer: Layer.Layer<NodeHttpClient.Dispatcher> = Layer.scoped(
  NodeHttpClient.Dispatcher,
  Effect.acquireRelease(
    Effect.sync(() => new Undici.Agent({ connections: null, keepAliveTimeout: 30_000, pipelining: 1 })),
    (dispatcher) => Effect.promise(() => dispatcher.destroy())
  )
)

/** The client over the dispatcher in context. */
export const layerWithoutDispatcher = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, never, NodeHttpClient.Dispatcher> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(NodeHttpClient.Dispatcher, (dispatcher) => make(dispatcher, options)))

/** The client over its own keep-alive pool (`dispatcherLayer`). */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.provide(layerWithoutDispatcher(options), dispatcherLayer)
