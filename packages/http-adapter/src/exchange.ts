import { HttpClientRequest, type HttpClient, type HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Stream } from "effect"
import { transient } from "./GitHubAnswer.js"
import { cappedText, type GitHubCall, type Transport } from "./transport.js"

/**
 * Reads at most `maxBytes` of the body and stops the download there: GitHub's answers are
 * a few KiB, so anything bigger is a broken proxy whose tail we need not (and must not
 * try to) hold in memory.
 */
const readCapped = (stream: Stream.Stream<Uint8Array, unknown>, maxBytes: number) =>
  stream.pipe(
    Stream.runFoldWhile(
      { parts: [] as Array<Uint8Array>, size: 0 },
      (collected) => collected.size < maxBytes,
      (collected, chunk) => {
        collected.parts.push(chunk)
        collected.size += chunk.length
        return collected
      }
    ),
    Effect.map((collected) => cappedText(collected.parts, maxBytes))
  )

/** The body as text, the whole of it only when its declared length is within `maxBytes`. */
const readBody = (response: HttpClientResponse.HttpClientResponse, maxBytes: number) => {
  const declared = Number(response.headers["content-length"] ?? Number.NaN)
  // The common case takes the cheaper path; streaming is for bodies of unknown or huge size.
  return declared <= maxBytes ? response.text : readCapped(response.stream, maxBytes)
}

const requestOf = (call: GitHubCall): HttpClientRequest.HttpClientRequest => {
  const request = HttpClientRequest.make(call.method)(call.path, { headers: call.headers })
  return call.body === undefined ? request : HttpClientRequest.bodyText(request, call.body, "application/json")
}

/**
 * GitHub over an `HttpClient` (already pointed at the API root): the transport of
 * `GitHubHttp.layer`, for any client the application provides.
 */
export const httpClientTransport =
  (client: HttpClient.HttpClient, maxBodyBytes: number): Transport =>
  (endpoint) =>
  (call, budget) =>
    client.execute(requestOf(call)).pipe(
      Effect.flatMap((response) =>
        Effect.map(readBody(response, maxBodyBytes), (body) => ({
          status: response.status,
          headers: response.headers,
          body
        }))
      ),
      Effect.mapError(() => transient(endpoint, "transport")),
      Effect.timeoutFail({
        duration: Duration.millis(budget.millis),
        onTimeout: () => transient(endpoint, budget.cause)
      })
    )
