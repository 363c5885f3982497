import type { GitHubEndpoint, TransientGitHubError } from "@gittensor-pat/core"
import type { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Stream } from "effect"
import { type GitHubAnswer, transient } from "./GitHubAnswer.js"

/** How long one attempt may take, and what running out of it means. */
export interface AttemptBudget {
  readonly millis: number
  /** `deadline` when the caller's deadline, not the attempt timeout, set the limit. */
  readonly cause: "timeout" | "deadline"
}

interface Collected {
  readonly parts: Array<Uint8Array>
  size: number
}

const concat = ({ parts, size }: Collected): Uint8Array => {
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return bytes
}

const decoder = new TextDecoder()

/**
 * Reads at most `maxBytes` of the body and stops the download there: GitHub's answers are
 * a few KiB, so anything bigger is a broken proxy whose tail we need not (and must not
 * try to) hold in memory.
 */
const readCapped = (stream: Stream.Stream<Uint8Array, unknown>, maxBytes: number) =>
  stream.pipe(
    Stream.runFoldWhile(
      { parts: [], size: 0 } as Collected,
      (collected) => collected.size < maxBytes,
      (collected, chunk) => {
        collected.parts.push(chunk)
        collected.size += chunk.length
        return collected
      }
    ),
    Effect.map((collected) => decoder.decode(concat(collected).subarray(0, maxBytes)))
  )

/** The body as text, the whole of it only when its declared length is within `maxBytes`. */
const readBody = (response: HttpClientResponse.HttpClientResponse, maxBytes: number) => {
  const declared = Number(response.headers["content-length"] ?? Number.NaN)
  // The common case takes the cheaper path; streaming is for bodies of unknown or huge size.
  return declared <= maxBytes ? response.text : readCapped(response.stream, maxBytes)
}

/**
 * Sends one request and reads its answer within `budget`. Every way of not getting an
 * answer (refused, reset, DNS, TLS, a body cut short, time up) is transient; any status
 * with its body is handed back for the classifiers to judge.
 */
export const exchange = (
  client: HttpClient.HttpClient,
  endpoint: GitHubEndpoint,
  maxBodyBytes: number
) =>
  (
    request: HttpClientRequest.HttpClientRequest,
    budget: AttemptBudget
  ): Effect.Effect<GitHubAnswer, TransientGitHubError> =>
    client.execute(request).pipe(
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
