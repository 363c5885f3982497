import type { IncomingMessage, Server } from "node:http"

/** When a request's headers were parsed: wall clock (for its deadline) and monotonic (for its process time). */
export interface Arrival {
  readonly epochMs: number
  readonly monotonicMs: number
}

/**
 * Stamps each request as Node parses it, before any Effect work is scheduled for it: under
 * load the handler may start later, and the caller's timeout runs from when it sent the
 * request, not from when the handler got round to it.
 */
export const stampArrivals = (server: Server): ((request: IncomingMessage) => Arrival | undefined) => {
  const arrivals = new WeakMap<IncomingMessage, Arrival>()
  server.prependListener("request", (request: IncomingMessage) => {
    arrivals.set(request, { epochMs: Date.now(), monotonicMs: performance.now() })
  })
  return (request) => arrivals.get(request)
}
