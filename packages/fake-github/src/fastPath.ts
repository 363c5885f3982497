import type { Socket } from "node:net"
import type { DelayQueue } from "./delayQueue.js"
import type { FakeEndpoint, FakeScript } from "./fakeScript.js"
import { headerOf, headersOf, parseHead } from "./fakeWire.js"

/** The last request the fake received on an endpoint, to check what a client sent. */
export interface FakeRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string
}

/** The fake's two GitHub endpoints, by path. */
export const endpoints: Readonly<Record<string, FakeEndpoint>> = { "/user": "user", "/graphql": "graphql" }

/** The token after `token ` or `Bearer ` (GitHub takes either on both endpoints). */
export const tokenOf = (authorization: string | undefined): string =>
  /^(?:token|bearer)\s+(.*)$/i.exec(authorization ?? "")?.[1] ?? ""

/** What the fast path shares with the rest of the fake. */
export interface FastPathContext {
  readonly script: FakeScript
  readonly delays: DelayQueue
  /** Notes the last request on `endpoint`, as a thunk: most are never looked at. */
  readonly record: (endpoint: FakeEndpoint, request: () => FakeRequest) => void
  /** Gives the socket, its unread bytes put back, to `node:http` for the rest of its life. */
  readonly handOff: (socket: Socket) => void
}

const ignore = () => {}

// Requests whose framing or semantics `node:http` handles and the fast path does not.
const unusual = ["\r\ntransfer-encoding:", "\r\nexpect:", "\r\nupgrade:"]

/**
 * Serves a new connection's unscripted GitHub calls straight off the socket: the answer is
 * bytes prepared when the token was allowed, sent after the latency from one shared
 * timer, so a call costs a head parse and a write. At the first request it cannot answer
 * that way (a script decides it, the control surface, an unknown path, a chunked body, a
 * `connection: close`) the connection goes to `node:http`, which answers every case.
 */
export const serveFast = (socket: Socket, context: FastPathContext): void => {
  let data: Buffer | undefined
  let answering = false

  const handOff = () => {
    socket.removeListener("data", onData)
    socket.removeListener("error", ignore)
    if (data !== undefined) socket.unshift(data)
    data = undefined
    context.handOff(socket)
  }

  const next = () => {
    if (data === undefined || answering) return
    const head = parseHead(data)
    if (head === undefined) return
    if (head === "other") return handOff()
    const endpoint = endpoints[head.path]
    const length = Number(headerOf(head, "content-length") ?? 0)
    const plain =
      endpoint !== undefined &&
      Number.isSafeInteger(length) &&
      !unusual.some((name) => head.lower.includes(name)) &&
      headerOf(head, "connection")?.toLowerCase() !== "close"
    if (!plain) return handOff()
    const end = head.bodyStart + length
    if (data.length < end) return
    const call = context.script.unscripted(tokenOf(headerOf(head, "authorization")), endpoint)
    if (call === undefined) return handOff()
    const body = data.subarray(head.bodyStart, end)
    // Built only if a test asks for it: most calls are never looked at.
    context.record(endpoint, () => ({ method: head.method, headers: headersOf(head), body: body.toString("utf8") }))
    data = data.length > end ? data.subarray(end) : undefined
    answering = true
    context.delays.later(call.latencyMs, () => {
      answering = false
      if (socket.destroyed) return
      socket.write(call.bytes)
      next()
    })
  }

  function onData(chunk: Buffer) {
    data = data === undefined ? chunk : Buffer.concat([data, chunk])
    next()
  }

  socket.setNoDelay(true)
  // A client that gives up resets its socket; that is its business, not an error here.
  socket.on("error", ignore)
  socket.on("data", onData)
}
