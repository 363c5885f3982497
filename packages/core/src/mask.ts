import { Redacted } from "effect"
import type { Pat } from "./domain.js"

const textOf = (pat: Pat | string): string => (typeof pat === "string" ? pat : Redacted.value(pat))

/**
 * The only way a token may be named in text: `***` and its last four characters. A token of
 * four characters or fewer is all last four, so it is shown as `***` alone.
 */
export const maskPat = (pat: Pat | string): string => {
  const text = textOf(pat)
  return text.length <= 4 ? "***" : `***${text.slice(-4)}`
}

// JSON's escapes, and the same with every non-ASCII character as `\uXXXX` (as some encoders write it).
const jsonEscaped = (text: string): string => JSON.stringify(text).slice(1, -1)
const jsonEscapedAscii = (text: string): string =>
  jsonEscaped(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

// Percent-encoding with lower-case hex digits, which decoders accept as well.
const lowerHex = (encoded: string): string => encoded.replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase())

const attempt = (decode: () => string): ReadonlyArray<string> => {
  try {
    return [decode()]
  } catch {
    return []
  }
}

/**
 * Every way `token` can be spelled in text that came from elsewhere: as is, URL-encoded
 * (either hex case, `+` for spaces as forms write it), JSON-escaped (with or without
 * `\uXXXX` for non-ASCII); and the token decoded, should it look like an encoding itself
 * (its decoded spelling becomes the token again once our answer is encoded). Longest first,
 * so a spelling that contains another is replaced whole.
 */
const spellings = (token: string): ReadonlyArray<string> => {
  const url = encodeURIComponent(token)
  const all = [
    token,
    url,
    lowerHex(url),
    url.replace(/%20/g, "+"),
    encodeURI(token),
    jsonEscaped(token),
    jsonEscapedAscii(token),
    ...attempt(() => decodeURIComponent(token)),
    ...attempt(() => JSON.parse(`"${token}"`) as string)
  ]
  return [...new Set(all)].filter((spelling) => spelling.length > 0).sort((a, b) => b.length - a.length)
}

const replaceAll = (text: string, spellingsOf: ReadonlyArray<string>, by: string): string =>
  spellingsOf.reduce((result, spelling) => result.split(spelling).join(by), text)

/**
 * `text` (anything a remote party wrote, such as GitHub's error message) with every
 * spelling of `pat` in it masked (`maskPat`). Should masking itself form a spelling again
 * (a token made of asterisks and its own last characters), those are removed outright, so
 * the result never names the token in any form.
 */
export const maskPatIn = (text: string, pat: Pat | string): string => {
  const token = textOf(pat)
  if (token.length === 0) return text
  const forms = spellings(token)
  let result = replaceAll(text, forms, maskPat(token))
  // Each pass shortens the text, so this ends.
  while (forms.some((form) => result.includes(form))) result = replaceAll(result, forms, "")
  return result
}
