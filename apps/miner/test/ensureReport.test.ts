import { Hotkey, Uid } from "@gittensor-pat/core"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { type BroadcastCategory, type CheckCategory, CheckCategories } from "../src/categories.js"
import {
  actionOf,
  decisions,
  type EnsureRow,
  ensureSucceeded,
  ensureSummary,
  renderEnsureReport,
  toEnsureDocument
} from "../src/ensureReport.js"
import { checkSurvey, postSurvey } from "../src/surveys.js"
import { type TokenReport, toTokenDocument, tokenReportOf, unreadTokenReport } from "../src/tokenReport.js"

const checkAnswers: Record<CheckCategory, { has_pat: boolean | null; pat_valid: boolean | null; rejection_reason: string | null }> = {
  valid: { has_pat: true, pat_valid: true, rejection_reason: null },
  no_pat: { has_pat: false, pat_valid: false, rejection_reason: "No PAT stored for this miner" },
  invalid_pat: { has_pat: true, pat_valid: false, rejection_reason: "No Github id found for miner 1's PAT" },
  inconclusive: { has_pat: true, pat_valid: null, rejection_reason: "GitHub API temporarily unavailable; retry the check in a few minutes." },
  no_response: checkSurvey.unanswered
}

const broadcastAnswers: Record<BroadcastCategory, { accepted: boolean | null; rejection_reason: string | null }> = {
  accepted: { accepted: true, rejection_reason: null },
  rejected: { accepted: false, rejection_reason: "GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts." },
  no_response: postSurvey.unanswered
}

/** A row as `ensure` builds it: posted exactly where the decision says so. */
const row = (uid: number, found: CheckCategory, broadcast: BroadcastCategory = "accepted"): EnsureRow => ({
  uid: Uid.make(uid),
  hotkey: Hotkey.make(`5Validator${uid}`),
  check: {
    uid: Uid.make(uid),
    hotkey: Hotkey.make(`5Validator${uid}`),
    answer: checkAnswers[found],
    category: found,
    error: found === "no_response" ? "no answer within 15 s" : null
  },
  askedAgain: found === "no_response",
  broadcast:
    decisions[found] === "post"
      ? {
          uid: Uid.make(uid),
          hotkey: Hotkey.make(`5Validator${uid}`),
          answer: broadcastAnswers[broadcast],
          category: broadcast,
          error: broadcast === "no_response" ? "could not connect: ECONNREFUSED" : null
        }
      : null
})

const arbitraryRows = FastCheck.array(
  FastCheck.tuple(
    FastCheck.constantFrom(...CheckCategories),
    FastCheck.constantFrom<BroadcastCategory>("accepted", "rejected", "no_response")
  ),
  { maxLength: 20 }
).map((cases) => cases.map(([found, broadcast], uid) => row(uid, found, broadcast)))

// The local check's report: none (the run stopped before it), GitHub unreachable, a classic token that writes.
const arbitraryToken = FastCheck.constantFrom<TokenReport | null>(
  null,
  unreadTokenReport(null),
  tokenReportOf(
    { "x-oauth-scopes": "repo, read:org", "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-reset": "1900000000" },
    "octocat",
    "ghp_unitTest"
  )
)

describe("ensure's decisions", () => {
  it("post only on no_pat and invalid_pat; keep valid; wait on inconclusive; ask a silent one again", () => {
    expect(decisions).toEqual({
      valid: "keep",
      no_pat: "post",
      invalid_pat: "post",
      inconclusive: "wait",
      no_response: "ask-again"
    })
    expect(CheckCategories.map((found) => actionOf(row(0, found)))).toEqual(["kept", "posted", "posted", "waiting", "unreachable"])
  })

  it.prop(
    "success iff someone answered and every validator that answered holds a valid PAT at the end",
    [arbitraryRows],
    ([rows]) => {
      const answered = rows.filter((r) => actionOf(r) !== "unreachable")
      const valid = (r: EnsureRow) => r.check.category === "valid" || r.broadcast?.category === "accepted"
      expect(ensureSucceeded({ rows, skipped: [], token: null })).toBe(answered.length > 0 && answered.every(valid))
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "the JSON document: the keys of docs/miner.md, counts that add up, broadcast fields only on posted rows, the token report",
    [arbitraryRows, arbitraryToken],
    ([rows, token]) => {
      const doc = toEnsureDocument({ rows, skipped: [], token })
      expect(Object.keys(doc)).toEqual(["success", "total_validators", "kept", "posted", "waiting", "unreachable", "skipped", "results", "token"])
      expect(doc.token).toEqual(token === null ? null : toTokenDocument(token))
      const results = doc.results as ReadonlyArray<Record<string, unknown>>
      expect(doc.total_validators).toBe(rows.length)
      for (const action of ["kept", "posted", "waiting", "unreachable"]) {
        expect(doc[action]).toBe(results.filter((r) => r.action === action).length)
      }
      for (const [i, result] of results.entries()) {
        expect(result.found).toBe(rows[i]?.check.category)
        expect(Object.keys(result)).toEqual(
          result.action === "posted"
            ? ["uid", "hotkey", "found", "action", "accepted", "rejection_reason", "error"]
            : ["uid", "hotkey", "found", "action", "error"]
        )
      }
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
    },
    { fastCheck: { numRuns: 200 } }
  )
})

describe("ensure's report for people", () => {
  const report = {
    rows: [row(0, "valid"), row(2, "no_pat"), row(3, "invalid_pat", "rejected"), row(4, "inconclusive"), row(5, "no_response")],
    skipped: [],
    token: null
  }

  it("a row per validator: what it had, what was done, and why", () => {
    const lines = renderEnsureReport(report).split("\n")
    expect(lines[0]).toMatch(/^UID\s+HOTKEY\s+FOUND\s+ACTION\s+REASON$/)
    expect(lines[1]).toMatch(/^0\s+5Validator…\s+valid\s+kept$/)
    expect(lines[2]).toMatch(/^2\s+5Validator…\s+no_pat\s+posted: accepted$/)
    expect(lines[3]).toMatch(/^3\s+5Validator…\s+invalid_pat\s+posted: rejected\s+GitHub identity is locked/)
    expect(lines[4]).toMatch(/^4\s+5Validator…\s+inconclusive\s+waiting: inconclusive\s+GitHub API temporarily unavailable/)
    expect(lines[5]).toMatch(/^5\s+5Validator…\s+no_response\s+unreachable\s+no answer within 15 s, asked twice$/)
  })

  it("the summary line counts what holds a valid PAT and names the validators that need a look", () => {
    expect(ensureSummary(report)).toBe(
      "2/5 validators hold a valid PAT; 1 kept; 1 posted: accepted (uid 2); 1 posted: rejected (uid 3) — see the reason given; 1 waiting (uid 4) — GitHub was unavailable to it, so nothing was sent; the next run asks again; 1 unreachable (uid 5) — no answer, even when asked again; it may be down"
    )
    expect(ensureSummary({ rows: [row(0, "valid"), row(1, "valid")], skipped: [], token: null })).toBe("2/2 validators hold a valid PAT; 2 kept")
  })
})
