import { emptyTerminal, PatBroadcastSynapse, PatCheckSynapse, type TerminalInfo } from "@gittensor-pat/axon"
import { Redacted } from "effect"

// Effect Schema's general machinery costs several times what reading a well-formed body
// directly does (bench/README.md, "Measured design choices"). These decoders do that and give up
// (undefined) on anything else, so the schema, which names the wrong fields, still decides
// every body they do not accept. Each accepted body decodes to what the schema gives (the
// tests check that against the schema over generated bodies).

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

// Undefined for "does not fit": the caller then falls back to the schema.
type Field<A> = (value: unknown) => A | undefined

const string: Field<string> = (v) => (typeof v === "string" ? v : undefined)
const number: Field<number> = (v) => (typeof v === "number" ? v : undefined)
const boolean: Field<boolean> = (v) => (typeof v === "boolean" ? v : undefined)
const safeInt: Field<number> = (v) => (typeof v === "number" && Number.isSafeInteger(v) ? v : undefined)
const integer: Field<number> = (v) => (typeof v === "number" && Number.isInteger(v) ? v : undefined)

const MISSING = Symbol("missing")

// `optionalWith(NullOr(field), { default })`: absent → the default, null → null.
const optional = <A, D>(record: Json, key: string, field: Field<A>, fallback: D): A | D | null | typeof MISSING => {
  if (!Object.hasOwn(record, key)) return fallback
  const value = record[key]
  if (value === null) return null
  const decoded = field(value)
  return decoded === undefined ? MISSING : decoded
}

const terminalFields: ReadonlyArray<readonly [keyof TerminalInfo, Field<unknown>]> = [
  ["status_code", safeInt],
  ["status_message", string],
  ["process_time", number],
  ["ip", string],
  ["port", safeInt],
  ["version", safeInt],
  ["nonce", integer],
  ["uuid", string],
  ["hotkey", string],
  ["signature", string]
]

const terminal = (value: unknown): TerminalInfo | undefined => {
  if (!isRecord(value)) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, field] of terminalFields) {
    const decoded = optional(value, key, field, null)
    if (decoded === MISSING) return undefined
    out[key] = decoded
  }
  return out as unknown as TerminalInfo
}

// The fields every synapse shares, in the schema's order, `name` forced to the route's.
const baseFields = (name: string, body: Json): Json | undefined => {
  if (Object.hasOwn(body, "name") && body.name !== null && typeof body.name !== "string") return undefined
  const out: Json = { name }
  const fields: ReadonlyArray<readonly [string, Field<unknown>, unknown]> = [
    ["timeout", number, 12],
    ["total_size", safeInt, 0],
    ["header_size", safeInt, 0],
    ["dendrite", terminal, emptyTerminal],
    ["axon", terminal, emptyTerminal],
    ["computed_body_hash", string, ""]
  ]
  for (const [key, field, fallback] of fields) {
    const decoded = optional(body, key, field, fallback)
    if (decoded === MISSING) return undefined
    out[key] = decoded
  }
  return out
}

const ownFields = (base: Json, body: Json, fields: ReadonlyArray<readonly [string, Field<unknown>]>): Json | undefined => {
  for (const [key, field] of fields) {
    const decoded = optional(body, key, field, null)
    if (decoded === MISSING) return undefined
    base[key] = decoded
  }
  return base
}

/** A `PatCheckSynapse` as the schema decodes `body`, or undefined to leave it to the schema. */
export const fastCheck = (body: unknown): PatCheckSynapse | undefined => {
  if (!isRecord(body)) return undefined
  const base = baseFields("PatCheckSynapse", body)
  const fields =
    base &&
    ownFields(base, body, [
      ["has_pat", boolean],
      ["pat_valid", boolean],
      ["rejection_reason", string]
    ])
  return fields && new PatCheckSynapse(fields as unknown as PatCheckSynapse, true)
}

/** A `PatBroadcastSynapse` as the schema decodes `body`, or undefined to leave it to the schema. */
export const fastBroadcast = (body: unknown): PatBroadcastSynapse | undefined => {
  if (!isRecord(body) || typeof body.github_access_token !== "string") return undefined
  const base = baseFields("PatBroadcastSynapse", body)
  if (base === undefined) return undefined
  base.github_access_token = Redacted.make(body.github_access_token)
  const fields = ownFields(base, body, [
    ["accepted", boolean],
    ["rejection_reason", string]
  ])
  return fields && new PatBroadcastSynapse(fields as unknown as PatBroadcastSynapse, true)
}
