import { connect } from "node:net"
import { Effect } from "effect"

/** What came back on a raw connection, and when the server closed it. */
export interface RawExchange {
  /** Every byte the server sent, as latin1 text. */
  readonly received: string
  /** Milliseconds from the first write until the first byte came back; undefined if none did. */
  readonly answeredAfterMs: number | undefined
  /** Milliseconds from the first write until the server ended the connection; undefined if it was still open when given up on. */
  readonly closedAfterMs: number | undefined
}

/** One answer parsed out of raw bytes: status line, headers (lower-cased names), body. */
export interface ParsedAnswer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  readonly json: unknown
}

/**
 * Opens a TCP connection, writes `bytes` (exactly as given: the point is to send what an
 * HTTP client would refuse to) and collects what comes back until the server closes the
 * connection or `giveUpAfterMs` passes. `opened` resolves once the bytes are written, so a
 * test can hold many such connections before it acts; `answered` once a first byte comes back.
 */
export const rawExchange = (port: number, bytes: string | Buffer, giveUpAfterMs: number) => {
  const socket = connect({ host: "127.0.0.1", port })
  const chunks: Array<Buffer> = []
  const startedMs = performance.now()
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("connect", () => socket.write(bytes, () => resolve()))
    socket.once("error", reject)
  })
  let answeredAfterMs: number | undefined
  const answered = new Promise<void>((resolve) =>
    socket.once("data", () => {
      answeredAfterMs = performance.now() - startedMs
      resolve()
    })
  )
  const done = new Promise<RawExchange>((resolve) => {
    const end = (closedAfterMs: number | undefined) => resolve({ received: Buffer.concat(chunks).toString("latin1"), answeredAfterMs, closedAfterMs })
    const giveUp = setTimeout(() => {
      socket.destroy()
      end(undefined)
    }, giveUpAfterMs)
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    socket.on("error", () => {})
    socket.once("close", () => {
      clearTimeout(giveUp)
      end(performance.now() - startedMs)
    })
  })
  return { opened, answered, done }
}

/** `rawExchange` as an effect: the whole exchange. */
export const rawRequest = (port: number, bytes: string | Buffer, giveUpAfterMs = 5_000) =>
  Effect.promise(() => rawExchange(port, bytes, giveUpAfterMs).done)

/** The first answer in `received`; undefined when there is none. */
export const parseAnswer = (received: string): ParsedAnswer | undefined => {
  const headEnd = received.indexOf("\r\n\r\n")
  if (headEnd < 0) return undefined
  const [statusLine = "", ...lines] = received.slice(0, headEnd).split("\r\n")
  const status = Number(statusLine.split(" ")[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(":")
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers["content-length"] ?? 0)
  const body = Buffer.from(received.slice(headEnd + 4), "latin1").subarray(0, length).toString("utf8")
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return { status, headers, body, json }
}

/** A request head as text: `POST <target> HTTP/1.1`, the headers as given, the blank line. */
export const requestHead = (target: string, headers: Record<string, string>): string =>
  [`POST ${target} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), "", ""].join("\r\n")
