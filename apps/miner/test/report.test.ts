import { Hotkey, Uid } from "@gittensor-pat/core"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck, Option } from "effect"
import type { CheckCategory } from "../src/categories.js"
import { type Report, renderReport, toDocument } from "../src/report.js"
import { type CheckAnswer, checkSurvey, type PostAnswer, postSurvey } from "../src/surveys.js"
import { renderSkipped } from "../src/table.js"
import { tokenReportOf, unreadTokenReport } from "../src/tokenReport.js"

const answers: Record<CheckCategory, CheckAnswer> = {
  valid: { has_pat: true, pat_valid: true, rejection_reason: null },
  no_pat: { has_pat: false, pat_valid: false, rejection_reason: "No PAT stored for this miner" },
  invalid_pat: { has_pat: true, pat_valid: false, rejection_reason: "PAT test query failed: GitHub GraphQL API returned 401" },
  inconclusive: { has_pat: true, pat_valid: null, rejection_reason: "GitHub API temporarily unavailable; retry the check in a few minutes." },
  no_response: checkSurvey.unanswered
}

const checkReport = (categories: ReadonlyArray<CheckCategory>): Report<CheckAnswer, CheckCategory> => ({
  rows: categories.map((category, uid) => ({
    uid: Uid.make(uid),
    hotkey: Hotkey.make(`5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY${uid}`),
    answer: answers[category],
    category: checkSurvey.categorize(category === "no_response" ? Option.none() : Option.some(answers[category])),
    error: category === "no_response" ? "no answer within 15 s" : null
  })),
  skipped: [{ uid: Uid.make(99), hotkey: Hotkey.make("5Skipped"), reason: "stake 0 < 15000" }],
  token: null
})

describe("check report", () => {
  it("says how many validators hold a valid PAT and why the rest do not", () => {
    const text = renderReport(checkSurvey, checkReport([...Array(7).fill("valid"), "inconclusive", "inconclusive"]))
    expect(text.split("\n").at(-1)).toBe(
      "7/9 validators hold a valid PAT; 2 inconclusive — GitHub was unavailable to them, retry later"
    )
    expect(text).toContain("uid 99 5Skipped: stake 0 < 15000")
    expect(text.split("\n")[0]).toMatch(/^UID\s+HOTKEY\s+STATUS\s+REASON$/)
    expect(text).toContain("5GrwvaEF5z…")
  })

  it.prop(
    "the JSON document has the keys of docs/miner.md, counts that add up, and success iff one is valid",
    [FastCheck.array(FastCheck.constantFrom<CheckCategory>(...checkSurvey.categories), { maxLength: 30 })],
    ([categories]) => {
      const doc = toDocument(checkSurvey, checkReport(categories))
      expect(Object.keys(doc)).toEqual([
        "success", "total_validators", "valid", "no_pat", "invalid_pat", "inconclusive", "no_response", "skipped", "results"
      ])
      const results = doc.results as ReadonlyArray<Record<string, unknown>>
      expect(results.map((r) => r.category)).toEqual(categories)
      for (const category of checkSurvey.categories) {
        expect(doc[category]).toBe(categories.filter((c) => c === category).length)
      }
      expect(doc.total_validators).toBe(categories.length)
      expect(doc.success).toBe(categories.includes("valid"))
      for (const row of results) {
        expect(Object.keys(row)).toEqual(["uid", "hotkey", "has_pat", "pat_valid", "rejection_reason", "category", "error"])
      }
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
    },
    { fastCheck: { numRuns: 200 } }
  )
})

describe("post report", () => {
  const report: Report<PostAnswer, "accepted" | "rejected" | "no_response"> = {
    rows: [
      { uid: Uid.make(0), hotkey: Hotkey.make("5A"), answer: { accepted: true, rejection_reason: null }, category: "accepted", error: null },
      { uid: Uid.make(1), hotkey: Hotkey.make("5B"), answer: { accepted: false, rejection_reason: "GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts." }, category: "rejected", error: null },
      { uid: Uid.make(2), hotkey: Hotkey.make("5C"), answer: postSurvey.unanswered, category: "no_response", error: "connection refused" }
    ],
    skipped: [],
    token: tokenReportOf({ "x-oauth-scopes": "", "x-ratelimit-limit": "60" }, "octocat", "ghp_unitTest")
  }

  it("the JSON document carries the login, the post counts and the token report", () => {
    const doc = toDocument(postSurvey, report)
    expect(doc).toMatchObject({ success: true, github_login: "octocat", total_validators: 3, accepted: 1, rejected: 1, no_response: 1, skipped: [] })
    expect(Object.keys(doc)).toEqual(["success", "github_login", "total_validators", "accepted", "rejected", "no_response", "skipped", "results", "token"])
    expect(doc.token).toEqual({ login: "octocat", kind: "classic", scopes: [], writes: false, expires_at: null, rate_limit: null })
  })

  it("a post that stopped before its local check has neither login nor token report", () => {
    const doc = toDocument(postSurvey, { rows: [], skipped: [], token: null, error: "no PAT" })
    expect(doc).toMatchObject({ success: false, github_login: null, token: null, error: "no PAT" })
    const unreached = toDocument(postSurvey, { rows: [], skipped: [], token: unreadTokenReport(null), error: "GitHub is unreachable" })
    expect(unreached.token).toMatchObject({ login: null, kind: "unknown" })
  })

  it("the table shows each validator's reason, or why it gave none", () => {
    const text = renderReport(postSurvey, report)
    expect(text).toMatch(/^1\s+5B\s+rejected\s+GitHub identity is locked/m)
    expect(text).toMatch(/^2\s+5C\s+no_response\s+connection refused$/m)
    expect(text.split("\n").at(-1)).toBe(
      "1/3 validators accepted the PAT; 1 rejected it — see the reasons above; 1 did not answer — they may be down; retry later"
    )
  })
})

describe("skipped neurons", () => {
  it("are listed one by one when few, summarised by reason when many", () => {
    const skipped = (n: number) =>
      Array.from({ length: n }, (_, uid) => ({
        uid: Uid.make(uid),
        hotkey: Hotkey.make(`5Skipped${uid}`),
        reason: uid % 3 === 0 ? "stake 0 < 15000" : "axon not serving (0.0.0.0:0)"
      }))
    expect(renderSkipped(skipped(3)).split("\n")).toEqual([
      "Skipped 3 neuron(s):",
      "  uid 0 5Skipped0: stake 0 < 15000",
      "  uid 1 5Skipped1: axon not serving (0.0.0.0:0)",
      "  uid 2 5Skipped2: axon not serving (0.0.0.0:0)"
    ])
    expect(renderSkipped(skipped(250)).split("\n")).toEqual([
      "Skipped 250 neurons (--json lists each one):",
      "  84 × stake 0 < 15000",
      "  166 × axon not serving (0.0.0.0:0)"
    ])
    expect(renderSkipped([])).toBe("")
  })
})
