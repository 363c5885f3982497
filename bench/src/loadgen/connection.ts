import * as net from "node:net"
import type { Target } from "./requestText.js"

/** How an exchange ended: an answer (status and body), or how it failed. */
export type Ending =
  | { readonly kind: "answer"; readonly status: number; readonly body: string; readonly ms: number }
  | { readonly kind: "failed"; readonly code: string; readonly ms: number }
  | { readonly kind: "timeout"; readonly ms: number }

/** One keep-alive HTTP/1.1 connection carrying one exchange at a time. */
export interface Connection {
  /**
   * Writes `request` (complete HTTP/1.1 bytes) and calls `done` once with the ending; the
   * clock runs from the hand-over to the socket to the answer's last byte. After
   * `timeoutMs` without an answer the socket is dropped, as a dendrite's is.
   */
  readonly exchange: (request: string, timeoutMs: number, done: (ending: Ending) => void) => void
  /** Drops the socket (and any exchange on it, which then never ends). */
  readonly close: () => void
}

const headerEnd = Buffer.from("\r\n\r\n")

interface Framing {
  readonly status: number
  readonly bodyStart: number
  /** The body's length, `"chunked"`, or `"close"` (it runs until the server closes). */
  readonly length: number | "chunked" | "close"
  readonly keepAlive: boolean
}

const framingOf = (data: Buffer): Framing | undefined => {
  const end = data.indexOf(headerEnd)
  if (end < 0) return undefined
  const head = data.toString("latin1", 0, end).toLowerCase()
  const status = Number(head.slice(9, 12))
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head)?.[1]
  const chunked = /\r\ntransfer-encoding:[^\r]*chunked/.test(head)
  return {
    status,
    bodyStart: end + 4,
    length: length !== undefined ? Number(length) : chunked ? "chunked" : "close",
    keepAlive: !/\r\nconnection:\s*close/.test(head)
  }
}

// A chunked body's decoded text once its last chunk has arrived, else undefined.
const dechunked = (data: Buffer, from: number): string | undefined => {
  const parts: Array<Buffer> = []
  let at = from
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at)
    if (lineEnd < 0) return undefined
    const size = Number.parseInt(data.toString("latin1", at, lineEnd), 16)
    // The last chunk ends with an empty line, after any trailers.
    if (size === 0) return data.indexOf(headerEnd, lineEnd) < 0 ? undefined : Buffer.concat(parts).toString("utf8")
    if (data.length < lineEnd + 2 + size + 2) return undefined
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}

/**
 * A connection to `target`, opened on the first exchange and again whenever the server
 * closed it. Written by hand rather than with `node:http` because the load generator
 * shares two cores with the validator: it parses only the status line and the framing.
 */
export const makeConnection = (target: Target): Connection => {
  let socket: net.Socket | undefined
  let data: Buffer | undefined
  let framing: Framing | undefined
  let finish: ((ending: Ending | "closed") => void) | undefined
  let timer: NodeJS.Timeout | undefined

  const drop = () => {
    socket?.destroy()
    socket = undefined
  }

  const onData = (chunk: Buffer) => {
    data = data === undefined ? chunk : Buffer.concat([data, chunk])
    framing ??= framingOf(data)
    if (framing === undefined || finish === undefined) return
    const { length, bodyStart } = framing
    if (length === "close") return
    const body =
      length === "chunked"
        ? dechunked(data, bodyStart)
        : data.length >= bodyStart + length
          ? data.toString("utf8", bodyStart, bodyStart + length)
          : undefined
    if (body === undefined) return
    if (!framing.keepAlive) drop()
    const done = finish
    const status = framing.status
    finish = undefined
    done({ kind: "answer", status, body, ms: 0 })
  }

  const open = (): net.Socket => {
    const opened = net.connect({ host: target.host, port: target.port, noDelay: true })
    opened.on("data", onData)
    opened.on("error", (error: NodeJS.ErrnoException) => {
      if (socket === opened) socket = undefined
      finish?.({ kind: "failed", code: error.code ?? "transport", ms: 0 })
    })
    opened.on("close", () => {
      if (socket === opened) socket = undefined
      // A body framed by the close is complete now; any other exchange was cut off.
      if (framing?.length === "close" && data !== undefined) {
        return finish?.({ kind: "answer", status: framing.status, body: data.toString("utf8", framing.bodyStart), ms: 0 })
      }
      finish?.("closed")
    })
    return opened
  }

  return {
    exchange: (request, timeoutMs, done) => {
      data = undefined
      framing = undefined
      socket ??= open()
      const started = performance.now()
      timer = setTimeout(() => {
        finish = undefined
        drop()
        done({ kind: "timeout", ms: elapsed() })
      }, timeoutMs)
      const elapsed = () => Math.round((performance.now() - started) * 100) / 100
      finish = (ending) => {
        finish = undefined
        clearTimeout(timer)
        // Node's client calls a connection closed mid-exchange "socket hang up", ECONNRESET.
        done(ending === "closed" ? { kind: "failed", code: "ECONNRESET", ms: elapsed() } : { ...ending, ms: elapsed() })
      }
      socket.write(request)
    },
    close: () => {
      finish = undefined
      clearTimeout(timer)
      drop()
    }
  }
}
