import type * as Undici from "@effect/platform-node/Undici"
import type { TransientGitHubError } from "@gittensor-pat/core"
import { Effect, Exit } from "effect"
import { type GitHubAnswer, transient, verdictHeaders } from "./GitHubAnswer.js"
import { cappedText, type GitHubCall, type Transport } from "./transport.js"

/** Where the undici transport sends its calls. */
export interface UndiciTarget {
  /** API root, without a trailing slash; it may carry a path (GitHub Enterprise's `/api/v3`). */
  readonly baseUrl: string
  readonly userAgent: string
  readonly maxBodyBytes: number
}

type Headers = Record<string, string | ReadonlyArray<string> | undefined>

/** Only the headers a verdict reads: copying every header of every answer was wasted work. */
const pickHeaders = (headers: Headers): Record<string, string | undefined> => {
  const picked: Record<string, string | undefined> = {}
  for (const name of verdictHeaders) {
    const value = headers[name]
    picked[name] = Array.isArray(value) ? value.join(", ") : (value as string | undefined)
  }
  return picked
}

/**
 * One call's answer, collected straight from undici's dispatch callbacks: no response
 * stream, promise or `AbortController` per call (together they were most of a call's CPU
 * in undici). `settle` is called once, with the answer or with `undefined` when no whole
 * answer arrived.
 */
class Exchange implements Undici.Dispatcher.DispatchHandler {
  private controller: Undici.Dispatcher.DispatchController | undefined
  private abandoned = false
  private status = 0
  private headers: Record<string, string | undefined> = {}
  private readonly parts: Array<Uint8Array> = []
  private size = 0

  constructor(
    private readonly maxBytes: number,
    private readonly settle: (answer: GitHubAnswer | undefined) => void
  ) {}

  /** Stops the call: at once if it is on a socket, else as soon as it reaches one. */
  abandon(): void {
    this.abandoned = true
    this.controller?.abort(new Error("GitHub call abandoned"))
  }

  onRequestStart(controller: Undici.Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abandoned) controller.abort(new Error("GitHub call abandoned"))
  }

  onResponseStart(_: Undici.Dispatcher.DispatchController, status: number, headers: Headers): void {
    this.status = status
    this.headers = pickHeaders(headers)
  }

  // GitHub's answers are a few KiB: anything bigger is a broken proxy whose tail we need not
  // (and must not try to) hold in memory, so the download stops at `maxBytes`.
  onResponseData(controller: Undici.Dispatcher.DispatchController, chunk: Uint8Array): void {
    this.parts.push(chunk)
    this.size += chunk.length
    if (this.size < this.maxBytes) return
    this.finish()
    controller.abort(new Error("GitHub answer over the size limit"))
  }

  onResponseEnd(): void {
    this.finish()
  }

  onResponseError(): void {
    this.settle(undefined)
  }

  private finish(): void {
    this.settle({ status: this.status, headers: this.headers, body: cappedText(this.parts, this.maxBytes) })
  }
}

/**
 * GitHub straight over an undici dispatcher (the transport of `GitHubHttp.layerNode`).
 * Each call is one dispatch under one timer: through the platform's `HttpClient` (request
 * and response wrappers, a fiber for the timeout) a call cost about twice the CPU, and the
 * validator makes two per check.
 */
export const undiciTransport = (dispatcher: Undici.Dispatcher, target: UndiciTarget): Transport => {
  const root = new URL(target.baseUrl)
  const prefix = root.pathname.replace(/\/+$/, "")
  return (endpoint) => (call: GitHubCall, budget) =>
    Effect.async<GitHubAnswer, TransientGitHubError>((resume) => {
      let pending = true
      const settle = (exit: Exit.Exit<GitHubAnswer, TransientGitHubError>) => {
        if (!pending) return
        pending = false
        clearTimeout(timer)
        resume(exit)
      }
      const exchange = new Exchange(target.maxBodyBytes, (answer) =>
        settle(answer === undefined ? Exit.fail(transient(endpoint, "transport")) : Exit.succeed(answer))
      )
      const timer = setTimeout(() => {
        settle(Exit.fail(transient(endpoint, budget.cause)))
        exchange.abandon()
      }, budget.millis)
      dispatcher.dispatch(
        {
          origin: root.origin,
          path: `${prefix}${call.path}`,
          method: call.method,
          headers: { ...call.headers, "user-agent": target.userAgent },
          body: call.body ?? null,
          // The budget's timer decides when an attempt is over.
          headersTimeout: 0,
          bodyTimeout: 0
        },
        exchange
      )
      return Effect.sync(() => {
        pending = false
        clearTimeout(timer)
        exchange.abandon()
      })
    })
}
