/**
 * JSON text as `JSON.stringify` writes it (`null` for a value it leaves out), except that a
 * bigint is written as its exact integer digits, where `JSON.stringify` throws. Nonces are
 * nanosecond timestamps above 2^53: a Python axon echoes them and a Python dendrite sends
 * them digit for digit, so a synapse on the wire is written with this, never through a JS
 * number. About as fast as `JSON.stringify` on a synapse (it runs on every answer).
 */
export const wireJson = (value: unknown): string => write(value) ?? "null"

// A string JSON.stringify would write between quotes as it is: no quote, backslash,
// control character or surrogate (a lone one is escaped); anything else goes through it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/
const string = (text: string): string => (PLAIN.test(text) ? `"${text}"` : JSON.stringify(text))

// Undefined where JSON.stringify leaves a value out (undefined, functions, symbols).
const write = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return string(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "bigint":
      return value.toString()
    case "boolean":
      return value ? "true" : "false"
    case "object":
      return value === null ? "null" : object(value)
    default:
      return undefined
  }
}

const object = (value: object): string | undefined => {
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return write((value as { toJSON: () => unknown }).toJSON())
  if (Array.isArray(value)) return `[${value.map((item: unknown) => write(item) ?? "null").join(",")}]`
  let text = ""
  for (const key of Object.keys(value)) {
    const field = write((value as Record<string, unknown>)[key])
    if (field !== undefined) text += `${text === "" ? "" : ","}${string(key)}:${field}`
  }
  return `{${text}}`
}
