import { Effect, type Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { minerToken } from "./miners.js"

/** A validator stand-in in this process: answers every check `valid`, at once or after a delay. */
export interface StubValidator {
  readonly target: { readonly host: string; readonly port: number; readonly hotkey: string }
  readonly close: Effect.Effect<void>
}

const validAnswer = JSON.stringify({ name: "PatCheckSynapse", has_pat: true, pat_valid: true })

/**
 * Listens on a loopback port for as long as the scope lasts. It neither verifies nor
 * decodes, so that what a run measures against it is the caller's cost alone.
 */
export const stubValidator = (delayMs: number): Effect.Effect<StubValidator, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<http.Server>((resume) => {
      const server = http.createServer((request, response) => {
        request.resume()
        const answer = () => response.writeHead(200, { "content-type": "application/json" }).end(validAnswer)
        request.on("end", () => (delayMs > 0 ? setTimeout(answer, delayMs) : answer()))
      })
      server.keepAliveTimeout = 120_000
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) => Effect.sync(() => server.closeAllConnections())
  ).pipe(
    Effect.map((server) => ({
      target: { host: "127.0.0.1", port: (server.address() as AddressInfo).port, hotkey: "stub" },
      close: Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      })
    }))
  )

const testQuery = JSON.stringify({ query: "{ viewer { login } }" })

/**
 * Calls the fake GitHub as the validator does for a check (`GET /user`, then `POST
 * /graphql`), `miners.length` callers in a closed loop over keep-alive sockets, for
 * `durationMs`. Returns how many calls were answered and over how long.
 */
export const fakeGitHubCalls = (
  url: string,
  miners: ReadonlyArray<number>,
  durationMs: number
): Effect.Effect<{ readonly calls: number; readonly elapsedMs: number }> =>
  Effect.async((resume) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: miners.length })
    const started = performance.now()
    const endsAt = started + durationMs
    let calls = 0
    let running = miners.length
    const call = (miner: number, graphql: boolean) => {
      if (performance.now() >= endsAt) {
        running -= 1
        if (running === 0) {
          agent.destroy()
          resume(Effect.succeed({ calls, elapsedMs: performance.now() - started }))
        }
        return
      }
      const request = http.request(`${url}${graphql ? "/graphql" : "/user"}`, {
        method: graphql ? "POST" : "GET",
        agent,
        headers: { authorization: `Bearer ${minerToken(miner)}`, "content-type": "application/json" }
      })
      request.on("response", (response) => {
        response.resume()
        response.on("end", () => {
          calls += 1
          call(miner, !graphql)
        })
      })
      request.on("error", () => call(miner, !graphql))
      request.end(graphql ? testQuery : undefined)
    }
    for (const miner of miners) call(miner, false)
  })
