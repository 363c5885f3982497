import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { controlPrefix, handleControl } from "./fakeControl.js"
import { type FakeAccount, type FakeAnswer, type FakeBehaviour, type FakeEndpoint, FakeScript } from "./fakeScript.js"

/** The last request the fake received on an endpoint, to check what a client sent. */
export interface FakeRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string
}

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

const endpoints: Readonly<Record<string, FakeEndpoint>> = { "/user": "user", "/graphql": "graphql" }

/** The token after `token ` or `Bearer ` (GitHub takes either on both endpoints). */
const tokenOf = (request: IncomingMessage): string =>
  /^(?:token|bearer)\s+(.*)$/i.exec(request.headers.authorization ?? "")?.[1] ?? ""

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    request.on("data", (part: Buffer) => parts.push(part))
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
    request.on("error", reject)
  })

const send = (response: ServerResponse, answer: FakeAnswer): void => {
  const body = answer.body ?? (answer.json === undefined ? "" : JSON.stringify(answer.json))
  // A scripted `transfer-encoding: chunked` answers without a length, as GitHub often does.
  const chunked = answer.headers?.["transfer-encoding"] === "chunked"
  response.writeHead(answer.status, {
    "content-type": "application/json; charset=utf-8",
    ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }),
    ...answer.headers
  })
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
  const last = new Map<FakeEndpoint, FakeRequest>()
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake")
    const path = url.pathname
    const body = await readBody(request).catch(() => "")
    if (path.startsWith(controlPrefix)) {
      const input = request.method === "GET" ? Object.fromEntries(url.searchParams) : parseJson(body)
      return send(response, handleControl(script, path.slice(controlPrefix.length), input))
    }
    const endpoint = endpoints[path]
    if (endpoint === undefined) return send(response, { status: 404, json: { message: "Not Found" } })
    last.set(endpoint, { method: request.method ?? "", headers: request.headers, body })
    const { behaviour, latencyMs } = script.decide(tokenOf(request), endpoint)
    if (latencyMs > 0) setTimeout(() => perform(request, response, behaviour), latencyMs)
    else perform(request, response, behaviour)
  })
  // Outlive any client's idle keep-alive so a pooled socket is never closed under a request.
  server.keepAliveTimeout = 120_000
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
    lastRequest: (endpoint) => last.get(endpoint),
    reset: () => {
      script.reset()
      last.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
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
