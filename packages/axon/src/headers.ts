import { Either } from "effect"
import { EMPTY_BODY_HASH } from "./bodyHash.js"
import { HeaderError } from "./errors.js"
import type { SynapseName, TerminalInfo } from "./synapse.js"

/** The dendrite's side of a request, as its `bt_header_dendrite_*` headers state it. */
export interface DendriteHeaders {
  readonly hotkey: string | undefined
  /** Nanoseconds since the epoch; beyond 2^53, hence a bigint. */
  readonly nonce: bigint | undefined
  readonly uuid: string | undefined
  readonly signature: string | undefined
  readonly version: number | undefined
  readonly ip: string | undefined
  readonly port: number | undefined
}

/** What a validator reads from a request's headers before touching its body. */
export interface RequestHeaders {
  readonly name: string | undefined
  /** Seconds the caller waits for the answer. */
  readonly timeout: number | undefined
  readonly computedBodyHash: string | undefined
  readonly dendrite: DendriteHeaders
  readonly axon: {
    readonly hotkey: string | undefined
    readonly ip: string | undefined
    readonly port: number | undefined
  }
}

const INTEGER = /^\s*[+-]?\d+\s*$/
const FLOAT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

type Lookup = (name: string) => string | undefined

const integerHeader = (get: Lookup, name: string): Either.Either<number | undefined, HeaderError> => {
  const raw = get(name)
  if (raw === undefined) return Either.right(undefined)
  const value = Number(raw)
  return INTEGER.test(raw) && Number.isSafeInteger(value)
    ? Either.right(value)
    : Either.left(new HeaderError({ header: name, reason: "expected an integer" }))
}

const nonceHeader = (get: Lookup, name: string): Either.Either<bigint | undefined, HeaderError> => {
  const raw = get(name)
  if (raw === undefined) return Either.right(undefined)
  return INTEGER.test(raw)
    ? Either.right(BigInt(raw.trim().replace(/^\+/, "")))
    : Either.left(new HeaderError({ header: name, reason: "expected an integer (nanoseconds)" }))
}

const timeoutHeader = (get: Lookup): Either.Either<number | undefined, HeaderError> => {
  const raw = get("timeout")
  if (raw === undefined) return Either.right(undefined)
  const value = Number(raw)
  return FLOAT.test(raw) && Number.isFinite(value) && value >= 0
    ? Either.right(value)
    : Either.left(new HeaderError({ header: "timeout", reason: "expected a non-negative number of seconds" }))
}

/**
 * Reads a request's headers the way Python's `Synapse.from_headers` does (names are
 * matched case-insensitively). Absent headers are `undefined`: deciding what each absence
 * means (400, 401, 403) is the caller's; a present header of the wrong type is an error.
 */
export const parseRequestHeaders = (
  headers: Record<string, string | undefined>
): Either.Either<RequestHeaders, HeaderError> => {
  const lower = new Map<string, string>()
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) lower.set(key.toLowerCase(), value)
  }
  const get: Lookup = (name) => lower.get(name)
  return Either.all({
    timeout: timeoutHeader(get),
    nonce: nonceHeader(get, "bt_header_dendrite_nonce"),
    version: integerHeader(get, "bt_header_dendrite_version"),
    dendritePort: integerHeader(get, "bt_header_dendrite_port"),
    axonPort: integerHeader(get, "bt_header_axon_port")
  }).pipe(
    Either.map(({ axonPort, dendritePort, nonce, timeout, version }) => ({
      name: get("name"),
      timeout,
      computedBodyHash: get("computed_body_hash"),
      dendrite: {
        hotkey: get("bt_header_dendrite_hotkey"),
        nonce,
        uuid: get("bt_header_dendrite_uuid"),
        signature: get("bt_header_dendrite_signature"),
        version,
        ip: get("bt_header_dendrite_ip"),
        port: dendritePort
      },
      axon: { hotkey: get("bt_header_axon_hotkey"), ip: get("bt_header_axon_ip"), port: axonPort }
    }))
  )
}

/** A terminal as headers carry it: any field may be unset; nonces may be exact bigints. */
export type HeaderTerminal = {
  readonly [K in keyof TerminalInfo]?: (K extends "nonce" ? bigint | number : TerminalInfo[K]) | null | undefined
}

// Python's TerminalInfo field order, which `to_headers` follows.
const TERMINAL_FIELDS = [
  "status_code",
  "status_message",
  "process_time",
  "ip",
  "port",
  "version",
  "nonce",
  "uuid",
  "hotkey",
  "signature"
] as const satisfies ReadonlyArray<keyof TerminalInfo>

/** Python's `str(float)`: integral values keep a `.0`. */
export const pythonFloat = (value: number): string => (Number.isInteger(value) ? `${value}.0` : String(value))

// HTTP header values are latin-1 without control characters; Node refuses anything else.
const headerSafe = (text: string): string => text.replace(/[^\x20-\x7e\t]/g, "?")

const terminalHeaders = (prefix: "axon" | "dendrite", terminal: HeaderTerminal): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const field of TERMINAL_FIELDS) {
    const value = terminal[field]
    if (value === null || value === undefined) continue
    const text = field === "process_time" && typeof value === "number" ? pythonFloat(value) : String(value)
    out[`bt_header_${prefix}_${field}`] = headerSafe(text)
  }
  return out
}

/** The synapse-level facts a dendrite's headers carry. */
export interface RequestHeaderInput {
  readonly name: SynapseName
  readonly timeout: number
  readonly dendrite: HeaderTerminal
  readonly axon: HeaderTerminal
  readonly bodyHash?: string
  /** The body's size in bytes (Python reports its own estimate; nobody checks it). */
  readonly totalSize?: number
}

// Python sends each required field of the model as base64(json.dumps(<empty value of its
// type>)): for the broadcast's `github_access_token: str` that is base64('""'). Never the token.
const REQUIRED_INPUT_HEADERS: Record<SynapseName, Record<string, string>> = {
  PatBroadcastSynapse: { bt_header_input_obj_github_access_token: Buffer.from('""').toString("base64") },
  PatCheckSynapse: {}
}

/** The headers a Python dendrite sends with a synapse (`Synapse.to_headers`), in its order. */
export const requestHeaders = (input: RequestHeaderInput): Record<string, string> => {
  const headers: Record<string, string> = {
    name: input.name,
    timeout: pythonFloat(input.timeout),
    ...terminalHeaders("axon", input.axon),
    ...terminalHeaders("dendrite", input.dendrite),
    ...REQUIRED_INPUT_HEADERS[input.name]
  }
  const headerSize = Object.entries(headers).reduce((sum, [k, v]) => sum + k.length + v.length, 0)
  return {
    ...headers,
    header_size: String(headerSize),
    total_size: String(input.totalSize ?? 0),
    computed_body_hash: input.bodyHash ?? EMPTY_BODY_HASH
  }
}

/** The `bt_header_axon_*` headers an axon puts on every answer, success or error. */
export const responseHeaders = (axon: HeaderTerminal): Record<string, string> => terminalHeaders("axon", axon)

/**
 * Reads the `bt_header_axon_*` headers of an answer, as Python's dendrite merges them into
 * its synapse. Unreadable numbers are left out rather than failing the call.
 */
export const readResponseHeaders = (headers: Record<string, string | undefined>): Partial<TerminalInfo> => {
  const out: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(headers)) {
    const field = key.toLowerCase().startsWith("bt_header_axon_") ? key.slice(15).toLowerCase() : undefined
    if (field === undefined || value === undefined) continue
    if (field === "status_code" || field === "port" || field === "version" || field === "nonce") {
      if (INTEGER.test(value)) out[field] = Number(value)
    } else if (field === "process_time") {
      if (FLOAT.test(value)) out[field] = Number(value)
    } else if ((TERMINAL_FIELDS as ReadonlyArray<string>).includes(field)) {
      out[field] = value
    }
  }
  return out as Partial<TerminalInfo>
}
