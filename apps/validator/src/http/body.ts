import type { IncomingMessage } from "node:http"
import { Data, Effect } from "effect"

/** docs/protocol.md, "Body": larger bodies are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024

/**
 * How long the rest of a body is given once its request was answered without it (refused
 * on its headers, unverified, so with no deadline to trust; or by a route that reads none):
 * the 3 s of docs/protocol.md, "Body". A dendrite sends its body with its headers; this
 * is slack for the wire.
 */
export const LEFTOVER_BODY_MS = 3_000

/** The body is larger than `MAX_BODY_BYTES`. */
export class BodyTooLargeError extends Data.TaggedError("BodyTooLargeError")<{}> {}

/** The client went away or the stream broke before the body was complete. */
export class BodyReadError extends Data.TaggedError("BodyReadError")<{ readonly detail: string }> {}

/** The body had not all arrived by the time the request may be waited for. */
export class BodyTimeoutError extends Data.TaggedError("BodyTimeoutError")<{}> {}

/**
 * Fails when the request declares (`content-length`) a body larger than `MAX_BODY_BYTES`,
 * before a byte of it is read. The body starts draining, so that the 413 can still be
 * written and read by the caller.
 */
export const refuseDeclaredTooLarge = (request: IncomingMessage): Effect.Effect<void, BodyTooLargeError> => {
  const header = request.headers["content-length"]
  if (header === undefined || !(Number(header) > MAX_BODY_BYTES)) return Effect.void
  request.resume()
  return Effect.fail(new BodyTooLargeError())
}

/**
 * Reads the whole body as UTF-8 until `untilMs` (epoch ms), refusing it as soon as it
 * streams past `MAX_BODY_BYTES`; the rest of an oversize body is drained rather than the
 * socket destroyed, so the 413 can still be written. A body not complete by `untilMs` fails
 * with `BodyTimeoutError`: nothing waits on a caller that stopped sending.
 */
export const readBody = (
  request: IncomingMessage,
  untilMs: number
): Effect.Effect<string, BodyTooLargeError | BodyReadError | BodyTimeoutError> =>
  Effect.async<string, BodyTooLargeError | BodyReadError | BodyTimeoutError>((resume) => {
    const chunks: Array<Buffer> = []
    let bytes = 0
    const cleanup = () => {
      clearTimeout(timer)
      request.off("data", onData)
      request.off("end", onEnd)
      request.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes > MAX_BODY_BYTES) {
        cleanup()
        request.resume()
        resume(Effect.fail(new BodyTooLargeError()))
      } else {
        chunks.push(chunk)
      }
    }
    const onEnd = () => {
      cleanup()
      resume(Effect.succeed(Buffer.concat(chunks).toString("utf8")))
    }
    const onError = (error: Error) => {
      cleanup()
      resume(Effect.fail(new BodyReadError({ detail: error.message })))
    }
    const timer = setTimeout(() => {
      cleanup()
      resume(Effect.fail(new BodyTimeoutError()))
    }, Math.max(0, untilMs - Date.now()))
    request.on("data", onData)
    request.on("end", onEnd)
    request.on("error", onError)
    return Effect.sync(cleanup)
  })

/**
 * Bounds the rest of a body that its answer did not wait for: Node reads and drops it after
 * the answer, keeping the connection for the caller's next request; a body still arriving
 * at `untilMs` has its connection closed, so a caller that stopped sending holds nothing.
 */
export const dropUnreadBody = (request: IncomingMessage, untilMs: number): void => {
  if (request.complete) return
  const timer = setTimeout(() => {
    if (!request.complete) request.socket.destroy()
  }, Math.max(0, untilMs - Date.now()))
  timer.unref()
  const stop = () => clearTimeout(timer)
  request.once("end", stop)
  request.once("close", stop)
}
