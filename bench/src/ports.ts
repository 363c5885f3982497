import { Effect } from "effect"
import { createServer } from "node:net"

/** A loopback port that was free a moment ago (the OS picks it), for a child to listen on. */
export const freePort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})
