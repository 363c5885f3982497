import { assert, describe, it } from "@effect/vitest"
import { FastCheck as fc, Redacted } from "effect"
import { maskPat, maskPatIn } from "@gittensor-pat/core"

const numRuns = 500

// Characters a header can carry (so a real request could send the token) that URL-encoding
// or JSON escaping rewrite, mixed with ordinary ones. A token starts and ends as GitHub's do,
// so that no quote or bracket a renderer puts around the text can complete it.
const tricky = fc.constantFrom(..."\"\\%+&=?#/ <>{}\t\u00e9\u00ff:;'", ..."abcXYZ019_-")
const alnum = fc.constantFrom(..."abcXYZ019")
const token = fc
  .tuple(fc.string({ unit: tricky, minLength: 0, maxLength: 40 }), alnum)
  .map(([middle, last]) => `ghp_${middle}${last}`)

/** The spellings of `t` a renderer produces: as is, URL-encoded, JSON-escaped. */
const forms = (t: string) => [t, encodeURIComponent(t), JSON.stringify(t).slice(1, -1)]

describe("maskPat (docs/operations.md, Tokens are never shown)", () => {
  it("shows a token as *** and its last four characters", () => {
    assert.strictEqual(maskPat(Redacted.make("ghp_abcdefgh1234")), "***1234")
    assert.strictEqual(maskPat("github_pat_XYZ9"), "***XYZ9")
  })

  it("masks a token of four characters or fewer entirely", () => {
    for (const short of ["a", "ab", "abc", "abcd"]) assert.strictEqual(maskPat(short), "***")
    assert.strictEqual(maskPat("abcde"), "***bcde")
  })

  it.prop(
    "never shows more than the last four characters, nor a short token at all",
    [fc.string({ minLength: 1, maxLength: 60 })],
    ([t]) => {
      const masked = maskPat(Redacted.make(t))
      assert.strictEqual(masked, t.length <= 4 ? "***" : `***${t.slice(-4)}`)
      // (A token that starts with an asterisk could be spelled by the mask's own `***`.)
      if (t.length > 4 && !t.startsWith("*")) assert.isFalse(masked.includes(t))
    },
    { fastCheck: { numRuns } }
  )
})

describe("maskPatIn: a token quoted in someone else's text (docs/operations.md, Tokens are never shown)", () => {
  it("masks the token as is, URL-encoded and JSON-escaped, and leaves the rest", () => {
    const t = 'ghp_q"u o\\te%'
    const text = `token ${t}; url ${encodeURIComponent(t)}; json "${JSON.stringify(t).slice(1, -1)}"`
    assert.strictEqual(maskPatIn(text, Redacted.make(t)), 'token ***\\te%; url ***\\te%; json "***\\te%"')
  })

  it("leaves text without the token as it was", () => {
    assert.strictEqual(maskPatIn("Something went wrong", "ghp_absent_1234"), "Something went wrong")
  })

  it.prop(
    "no spelling of the token survives, in the text or in the text once URL-encoded or JSON-escaped",
    [token, fc.array(fc.oneof(fc.string(), fc.constantFrom("as is", "url", "json")), { maxLength: 6 })],
    ([t, parts]) => {
      const [raw, url, json] = forms(t)
      const text = parts.map((part) => (part === "as is" ? raw : part === "url" ? url : part === "json" ? json : part)).join("")
      const masked = maskPatIn(text, t)
      for (const rendering of [masked, encodeURIComponent(masked), JSON.stringify(masked)]) {
        for (const form of forms(t)) assert.notInclude(rendering, form)
      }
    },
    { fastCheck: { numRuns } }
  )
})
