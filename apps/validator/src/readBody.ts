import type { IncomingMessage } from "node:http"
import { Data, Effect } from "effect"

/** CONTRACT §6: larger bodies are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024

/** The body is larger than `MAX_BODY_BYTES`. */
export class BodyTooLargeError extends Data.TaggedError("BodyTooLargeError")<{}> {}

/** The client went away or the stream broke before the body was complete. */
export class BodyReadError extends Data.TaggedError("BodyReadError")<{ readonly detail: string }> {}

const declaredLength = (request: IncomingMessage): number | undefined => {
  const header = request.headers["content-length"]
  return header === undefined ? undefined : Number(header)
}

/**
 * Reads the whole body as UTF-8, refusing it as soon as it is known to be too large: from
 * `content-length` before reading a byte, or while streaming a chunked body. The rest of
 * an oversize body is drained rather than the socket destroyed, so the 413 can still be
 * written.
 */
export const readBody = (request: IncomingMessage): Effect.Effect<string, BodyTooLargeError | BodyReadError> => {
  const length = declaredLength(request)
  if (length !== undefined && length > MAX_BODY_BYTES) {
    request.resume()
    return Effect.fail(new BodyTooLargeError())
  }
  return Effect.async<string, BodyTooLargeError | BodyReadError>((resume) => {
    const chunks: Array<Buffer> = []
    let bytes = 0
    const cleanup = () => {
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
    request.on("data", onData)
    request.on("end", onEnd)
    request.on("error", onError)
    return Effect.sync(cleanup)
  })
}
