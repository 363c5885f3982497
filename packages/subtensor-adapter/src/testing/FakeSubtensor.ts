import { type AddressInfo, createServer, type Server, type Socket } from "node:net"
import { Effect, Ref, type Scope } from "effect"
import { type WebSocket, WebSocketServer } from "ws"

/** How the fake node answers one call: a result, a JSON-RPC error, nothing at all, or by hanging up. */
export type FakeAnswer =
  | { readonly result: unknown }
  | { readonly error: { readonly code: number; readonly message: string } }
  | "silent"
  | "hang-up"

/** Decides each call's answer; `undefined` means the node does not know the method. */
export type Responder = (method: string, params: ReadonlyArray<unknown>) => FakeAnswer | undefined

/** One call the fake node received. */
export interface FakeCall {
  readonly method: string
  readonly params: ReadonlyArray<unknown>
}

/** A fake subtensor JSON-RPC node on a 127.0.0.1 websocket. */
export interface FakeSubtensor {
  /** `ws://127.0.0.1:PORT`, to pass as the chain endpoint. */
  readonly url: string
  /** Every call received so far, in order. */
  readonly calls: Effect.Effect<ReadonlyArray<FakeCall>>
  /** How many connections were opened so far. */
  readonly connections: Effect.Effect<number>
  /** How many connections are open now. */
  readonly open: Effect.Effect<number>
}

const listening = (server: Server | WebSocketServer) =>
  Effect.async<void>((resume) => {
    if (server.address() !== null) return resume(Effect.void)
    server.once("listening", () => resume(Effect.void))
  })

const answerFor = (responder: Responder, method: string, params: ReadonlyArray<unknown>): FakeAnswer =>
  responder(method, params) ?? { error: { code: -32601, message: `Method not found: ${method}` } }

/**
 * Starts a fake node on 127.0.0.1 (on `port`, default a free one) that answers JSON-RPC
 * calls through `responder`, for as long as the scope lives; closing drops every connection.
 */
export const startFakeSubtensor = (responder: Responder, port = 0): Effect.Effect<FakeSubtensor, never, Scope.Scope> =>
  Effect.gen(function* () {
    const calls = yield* Ref.make<ReadonlyArray<FakeCall>>([])
    const connections = yield* Ref.make(0)
    const server = yield* Effect.acquireRelease(
      Effect.sync(() => new WebSocketServer({ host: "127.0.0.1", port })),
      (server) =>
        Effect.async<void>((resume) => {
          for (const client of server.clients) client.terminate()
          server.close(() => resume(Effect.void))
        })
    )
    yield* listening(server)
    server.on("connection", (socket: WebSocket) => {
      Effect.runSync(Ref.update(connections, (n) => n + 1))
      socket.on("message", (data) => {
        const request = JSON.parse(data.toString()) as { id: number; method: string; params?: ReadonlyArray<unknown> }
        const params = request.params ?? []
        Effect.runSync(Ref.update(calls, (all) => [...all, { method: request.method, params }]))
        const answer = answerFor(responder, request.method, params)
        if (answer === "silent") return
        if (answer === "hang-up") return socket.terminate()
        socket.send(JSON.stringify({ jsonrpc: "2.0", id: request.id, ...answer }))
      })
    })
    return {
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      calls: Ref.get(calls),
      connections: Ref.get(connections),
      open: Effect.sync(() => server.clients.size)
    }
  })

/**
 * A TCP listener on 127.0.0.1 that accepts connections and never says a word, so a
 * websocket handshake with it never completes. Yields its `ws://` URL.
 */
export const startSilentListener: Effect.Effect<string, never, Scope.Scope> = Effect.gen(function* () {
  const sockets = new Set<Socket>()
  const server = yield* Effect.acquireRelease(
    Effect.sync(() =>
      createServer((socket) => {
        sockets.add(socket)
        socket.on("error", () => undefined)
      }).listen(0, "127.0.0.1")
    ),
    (server) =>
      Effect.async<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  )
  yield* listening(server)
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
})

/** A `ws://` URL on 127.0.0.1 where nothing listens, so connecting is refused at once. */
export const refusingEndpoint: Effect.Effect<string> = Effect.async<string>((resume) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as AddressInfo
    probe.close(() => resume(Effect.succeed(`ws://127.0.0.1:${port}`)))
  })
})
