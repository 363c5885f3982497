import { Redacted } from "effect"
import type { Pat } from "./domain.js"

/** The only way a token may be named in text: `***` and its last four characters. */
export const maskPat = (pat: Pat | string): string => {
  const text = typeof pat === "string" ? pat : Redacted.value(pat)
  return `***${text.slice(-4)}`
}
