import type * as Undici from "@effect/platform-node/Undici"
import type { TransientGitHubError } from "@gittensor-pat/core"
import { Effect, Exit } from "effect"
import { type GitHubAnswer, transient } from "./GitHubAnswer.js"
import { cappedText, type GitHubCall, type Transport } from "./transport.js"

/** Where the undici transport sends its calls. */
export interface UndiciTarget {
  /** API root, without a trailing slash; it may carry a path (GitHub Enterprise's `/api/v3`). */
  readonly baseUrl: string
  readonly userAgent: string
  readonly maxBodyBytes: number
}

type Body = Undici.Dispatcher.ResponseData["body"]

// GitHub's answers are a few KiB: anything bigger is a broken proxy whose tail we need not
// (and must not try to) hold in memory, so the download stops at `maxBytes`.
const readCapped = async (body: Body, maxBytes: number): Promise<string> => {
  const parts: Array<Uint8Array> = []
  let size = 0
  for await (const chunk of body) {
    parts.push(chunk as Uint8Array)
    size += (chunk as Uint8Array).length
    if (size >= maxBytes) break
  }
  body.destroy()
  return cappedText(parts, maxBytes)
}

const flatHeaders = (headers: Undici.Dispatcher.ResponseData["headers"]): Record<string, string | undefined> => {
  const flat: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(", ") : value
  return flat
}

/**
 * GitHub straight over an undici dispatcher (the transport of `GitHubHttp.layerNode`).
 * Each call is one promise under one timer: through the platform's `HttpClient` (request
 * and response wrappers, a fiber for the timeout) a call cost about twice the CPU, and the
 * validator makes two per check.
 */
export const undiciTransport = (dispatcher: Undici.Dispatcher, target: UndiciTarget): Transport => {
  const root = new URL(target.baseUrl)
  const prefix = root.pathname.replace(/\/+$/, "")
  const send = async (call: GitHubCall, signal: AbortSignal): Promise<GitHubAnswer> => {
    const response = await dispatcher.request({
      origin: root.origin,
      path: `${prefix}${call.path}`,
      method: call.method,
      headers: { ...call.headers, "user-agent": target.userAgent },
      body: call.body ?? null,
      signal,
      // The budget's timer decides when an attempt is over.
      headersTimeout: 0,
      bodyTimeout: 0
    })
    const declared = Number(response.headers["content-length"] ?? Number.NaN)
    const body =
      declared <= target.maxBodyBytes ? await response.body.text() : await readCapped(response.body, target.maxBodyBytes)
    return { status: response.statusCode, headers: flatHeaders(response.headers), body }
  }
  return (endpoint) => (call, budget) =>
    Effect.async<GitHubAnswer, TransientGitHubError>((resume) => {
      const controller = new AbortController()
      let pending = true
      const settle = (exit: Exit.Exit<GitHubAnswer, TransientGitHubError>) => {
        if (!pending) return
        pending = false
        clearTimeout(timer)
        resume(exit)
      }
      const timer = setTimeout(() => {
        settle(Exit.fail(transient(endpoint, budget.cause)))
        controller.abort()
      }, budget.millis)
      send(call, controller.signal).then(
        (answer) => settle(Exit.succeed(answer)),
        () => settle(Exit.fail(transient(endpoint, "transport")))
      )
      return Effect.sync(() => {
        pending = false
        clearTimeout(timer)
        controller.abort()
      })
    })
}
