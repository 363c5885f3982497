import { Cause, HashMap, Inspectable, List, Logger } from "effect"

/** How log records are written: JSON lines for machines, or one readable line each for a terminal. */
export type LogFormat = "json" | "pretty"

type LogRecord = Logger.Logger.Options<unknown>

// The record's own fields; an annotation of the same name is written as `annotation_<name>`.
const OWN_FIELDS = new Set(["timestamp", "level", "message", "cause", "spans"])

const fieldName = (key: string): string => (OWN_FIELDS.has(key) ? `annotation_${key}` : key)

// `,"key":` per annotation key, made once: the same few keys recur on every record.
const jsonKeys = new Map<string, string>()
const jsonKey = (key: string): string => {
  let quoted = jsonKeys.get(key)
  if (quoted === undefined) {
    quoted = `,${JSON.stringify(fieldName(key))}:`
    if (jsonKeys.size < 1_024) jsonKeys.set(key, quoted)
  }
  return quoted
}

const isPlain = (value: unknown): boolean => {
  const type = typeof value
  return type === "string" || type === "number" || type === "boolean" || value === null
}

// A plain object of plain values (e.g. a request's GitHub timings) holds nothing to redact.
const isFlatRecord = (value: object): boolean => {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  for (const key in value) if (!isPlain((value as { readonly [key: string]: unknown })[key])) return false
  return true
}

/**
 * A value as JSON. Plain values skip the circular-safe stringify (it runs a replacer on every
 * key); anything else goes through it, which also redacts what Effect marks as redactable
 * (e.g. an `Authorization` header nested in an error), as `Logger.json` does.
 */
const json = (value: unknown): string => {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(value)
    case "bigint":
    case "symbol":
    case "function":
      return JSON.stringify(String(value))
    default:
      if (typeof value === "object" && value !== null && isFlatRecord(value)) return JSON.stringify(value)
      return Inspectable.stringifyCircular(Inspectable.toJSON(value)) ?? "null"
  }
}

const messagePart = (part: unknown): string =>
  typeof part === "string" ? part : part instanceof Error ? `${part.name}: ${part.message}` : json(part)

// One text, also when a record was logged with several parts (`Effect.log("text", { n })`).
const messageText = (message: unknown): string =>
  Array.isArray(message) ? message.map(messagePart).join(" ") : messagePart(message)

const causeText = (cause: Cause.Cause<unknown>): string | undefined =>
  Cause.isEmpty(cause) ? undefined : Cause.pretty(cause, { renderErrorCause: true })

const byKey = (a: readonly [string, unknown], b: readonly [string, unknown]): number => (a[0] < b[0] ? -1 : 1)

// The annotations in key order, so that a field sits in the same place on every line.
// forEach rather than for…of: the HashMap's iterator allocates a pair per entry.
const fields = (annotations: HashMap.HashMap<string, unknown>): Array<readonly [string, unknown]> => {
  const out: Array<readonly [string, unknown]> = []
  HashMap.forEach(annotations, (value, key) => {
    if (value !== undefined) out.push([key, value])
  })
  return out.sort(byKey)
}

const spanMillis = (spans: List.List<{ readonly label: string; readonly startTime: number }>, now: number) => {
  const out: { [label: string]: number } = {}
  for (const span of spans) out[span.label] = now - span.startTime
  return out
}

/**
 * One JSON object per record: `timestamp` (ISO 8601), `level`, `message` (a string), then each
 * annotation as a field of its own in key order, then `cause` and `spans` only when there are any.
 */
export const jsonLine = ({ annotations, cause, date, logLevel, message, spans }: LogRecord): string => {
  let line = `{"timestamp":"${date.toISOString()}","level":"${logLevel.label}","message":${JSON.stringify(messageText(message))}`
  for (const [key, value] of fields(annotations)) line += jsonKey(key) + json(value)
  const why = causeText(cause)
  if (why !== undefined) line += `,"cause":${JSON.stringify(why)}`
  if (List.isCons(spans)) line += `,"spans":${JSON.stringify(spanMillis(spans, date.getTime()))}`
  return `${line}}`
}

// Bare when it reads unambiguously after `key=`, quoted as JSON otherwise.
const prettyValue = (value: unknown): string =>
  typeof value === "string" && /^[^\s"=]+$/.test(value) ? value : json(value)

/**
 * One line per record for a terminal: `timestamp LEVEL message key=value …` in key order, strings bare
 * unless they hold spaces, quotes or `=`; a cause and spans last, as `cause="…"` and
 * `label=12ms`.
 */
export const prettyLine = ({ annotations, cause, date, logLevel, message, spans }: LogRecord): string => {
  const text = messageText(message)
  let line = `${date.toISOString()} ${logLevel.label.padEnd(5)} ${/[\n\r]/.test(text) ? JSON.stringify(text) : text}`
  for (const [key, value] of fields(annotations)) line += ` ${fieldName(key)}=${prettyValue(value)}`
  const why = causeText(cause)
  if (why !== undefined) line += ` cause=${JSON.stringify(why)}`
  if (List.isCons(spans)) {
    for (const [label, ms] of Object.entries(spanMillis(spans, date.getTime()))) line += ` ${label}=${ms}ms`
  }
  return line
}

/** The logger that turns each record into its line in `format`. */
export const lineLogger = (format: LogFormat): Logger.Logger<unknown, string> =>
  Logger.make(format === "json" ? jsonLine : prettyLine)
