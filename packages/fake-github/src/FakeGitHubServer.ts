import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http"
import { type AddressInfo, createServer, type Socket } from "node:net"
import { makeDelayQueue } from "./delayQueue.js"
import { endpoints, type FakeRequest, serveFast, tokenOf } from "./fastPath.js"
import { controlPrefix, handleControl } from "./fakeControl.js"
import { type FakeAccount, type FakeAnswer, type FakeBehaviour, type FakeEndpoint, FakeScript } from "./fakeScript.js"
import { answerParts } from "./fakeWire.js"

export type { FakeRequest } from "./fastPath.js"

/** A fake GitHub listening on 127.0.0.1, scriptable per token and endpoint. */
export interface FakeGitHubServer {
  /** Base URL, e.g. `http://127.0.0.1:43117`, to pass as the GitHub API URL. */
  readonly url: string
  /** 200 with `account` on both endpoints for `token`; unknown tokens get 401 "Bad credentials". */
  allow(token: string, account: FakeAccount): void
  /** Scripts `token` on `endpoint`; a sequence plays in order and its last step repeats. */
  script(token: string, endpoint: FakeEndpoint, behaviour: FakeBehaviour | ReadonlyArray<FakeBehaviour>): void
  /** Delays every answer by `ms` (scripted answers may set their own). */
  setLatency(ms: number): void
  /** Requests received for `token` on `endpoint`, answered or not. */
  count(token: string, endpoint: FakeEndpoint): number
  /** The last request received on `endpoint`, if any. */
  lastRequest(endpoint: FakeEndpoint): FakeRequest | undefined
  /** Forgets every token, script, count and latency. */
  reset(): void
  /** Stops listening and drops every connection, hanging ones included. */
  close(): Promise<void>
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    request.on("data", (part: Buffer) => parts.push(part))
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
    request.on("error", reject)
  })

const send = (response: ServerResponse, answer: FakeAnswer): void => {
  const { status, headers, body } = answerParts(answer)
  response.writeHead(status, headers)
  response.end(body)
}

const perform = (request: IncomingMessage, response: ServerResponse, behaviour: FakeBehaviour): void => {
  if (behaviour === "hang") return
  if (behaviour === "reset") {
    request.socket.resetAndDestroy()
    return
  }
  send(response, behaviour)
}

/** Starts a fake GitHub on 127.0.0.1 (a random port unless `port` is given). */
export const startFakeGitHub = async (options: { readonly port?: number } = {}): Promise<FakeGitHubServer> => {
  const script = new FakeScript()
  const last = new Map<FakeEndpoint, () => FakeRequest>()
  const delays = makeDelayQueue()
  // Behind the fast path: every request it does not answer itself, scripted ones included.
  const http = createHttpServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake")
    const path = url.pathname
    const body = await readBody(request).catch(() => "")
    if (path.startsWith(controlPrefix)) {
      const input = request.method === "GET" ? Object.fromEntries(url.searchParams) : parseJson(body)
      return send(response, handleControl(script, path.slice(controlPrefix.length), input))
    }
    const endpoint = endpoints[path]
    if (endpoint === undefined) return send(response, { status: 404, json: { message: "Not Found" } })
    const seen: FakeRequest = { method: request.method ?? "", headers: request.headers, body }
    last.set(endpoint, () => seen)
    const { behaviour, latencyMs } = script.decide(tokenOf(request.headers.authorization), endpoint)
    delays.later(latencyMs, () => perform(request, response, behaviour))
  })
  // Outlive any client's idle keep-alive so a pooled socket is never closed under a request.
  http.keepAliveTimeout = 120_000
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
    serveFast(socket, {
      script,
      delays,
      record: (endpoint, request) => last.set(endpoint, request),
      handOff: (handed) => {
        http.emit("connection", handed)
        // The unread bytes wait in the stream's buffer until something reads it again.
        handed.resume()
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    allow: (token, account) => script.allow(token, account),
    script: (token, endpoint, behaviour) => script.script(token, endpoint, behaviour),
    setLatency: (ms) => script.setLatency(ms),
    count: (token, endpoint) => script.count(token, endpoint),
    lastRequest: (endpoint) => last.get(endpoint)?.(),
    reset: () => {
      script.reset()
      last.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        delays.clear()
        for (const socket of sockets) socket.destroy()
      })
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
