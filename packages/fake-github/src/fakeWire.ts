import { STATUS_CODES } from "node:http"
import type { FakeAnswer } from "./fakeScript.js"

/** An answer as it goes out: status, headers, body text. */
export interface AnswerParts {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The status, headers and body the fake sends for `answer`, whichever way it sends them. */
export const answerParts = (answer: FakeAnswer): AnswerParts => {
  const body = answer.body ?? (answer.json === undefined ? "" : JSON.stringify(answer.json))
  // A scripted `transfer-encoding: chunked` answers without a length, as GitHub often does.
  const chunked = answer.headers?.["transfer-encoding"] === "chunked"
  return {
    status: answer.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(chunked ? {} : { "content-length": String(Buffer.byteLength(body)) }),
      ...answer.headers
    },
    body
  }
}

/**
 * `answer` as the bytes of a complete HTTP/1.1 keep-alive response with a length, made
 * once so that an unscripted call costs no JSON or header work. Scripted answers (which
 * may be chunked) are never serialised here: `node:http` sends them.
 */
export const answerBytes = (answer: FakeAnswer): Buffer => {
  const { status, headers, body } = answerParts(answer)
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n`
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`
  return Buffer.from(`${head}connection: keep-alive\r\nkeep-alive: timeout=120\r\n\r\n${body}`)
}

/** A request's head as read off the socket, before `node:http` has seen it. */
export interface RequestHead {
  readonly method: string
  readonly path: string
  /** The head's text, request line included, and the same lower-cased for lookups. */
  readonly text: string
  readonly lower: string
  /** Where the body starts in the buffer the head was read from. */
  readonly bodyStart: number
}

const headEnd = Buffer.from("\r\n\r\n")

/**
 * Reads the head of the request at the start of `data`: undefined until the whole head
 * has arrived, "other" for anything but a plain HTTP/1.1 request line. Headers are looked
 * up when asked for (`headerOf`), as a call needs only a few of them.
 */
export const parseHead = (data: Buffer): RequestHead | "other" | undefined => {
  const end = data.indexOf(headEnd)
  if (end < 0) return undefined
  const text = data.toString("latin1", 0, end)
  const lineEnd = text.indexOf("\r\n")
  const [method = "", path = "", version = ""] = text.slice(0, lineEnd < 0 ? undefined : lineEnd).split(" ")
  if (version !== "HTTP/1.1") return "other"
  return { method, path, text, lower: text.toLowerCase(), bodyStart: end + 4 }
}

/** The value of header `name` (lower case), its first occurrence, if the head has it. */
export const headerOf = (head: RequestHead, name: string): string | undefined => {
  const at = head.lower.indexOf(`\r\n${name}:`)
  if (at < 0) return undefined
  const from = at + name.length + 3
  const to = head.lower.indexOf("\r\n", from)
  return head.text.slice(from, to < 0 ? undefined : to).trim()
}

/** Every header of `head`, lower-cased names, duplicates joined as `node:http` joins them. */
export const headersOf = (head: RequestHead): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const line of head.text.split("\r\n").slice(1)) {
    const colon = line.indexOf(":")
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  return headers
}
