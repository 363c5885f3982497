import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { isReadOnlyScope, writingScopes } from "../src/scopes.js"
import {
  describeToken,
  expiryWarning,
  formatSpan,
  parseExpiry,
  parseRateLimit,
  renderTokenReport,
  scopeWarning,
  toTokenDocument,
  tokenReportOf,
  tokenWarnings
} from "../src/tokenReport.js"

const now = Date.parse("2026-05-01T12:00:00Z")
const day = 86_400_000

// Every scope of GitHub's "Scopes for OAuth apps" list, and those its token page adds.
const documentedWriting = [
  "repo", "repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events",
  "admin:repo_hook", "write:repo_hook", "admin:org", "write:org", "admin:public_key", "write:public_key",
  "admin:org_hook", "gist", "notifications", "user", "user:follow", "project", "delete_repo",
  "write:packages", "delete:packages", "admin:gpg_key", "write:gpg_key", "codespace", "workflow",
  "admin:enterprise", "manage_runners:enterprise", "manage_billing:enterprise", "site_admin",
  "write:discussion", "admin:ssh_signing_key", "write:ssh_signing_key", "audit_log", "copilot"
]
const documentedReadOnly = [
  "read:repo_hook", "read:org", "read:public_key", "read:user", "user:email", "read:project",
  "read:packages", "read:gpg_key", "read:enterprise", "read:audit_log", "read:discussion", "read:ssh_signing_key"
]

const headers = (extra: Record<string, string> = {}) => ({
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": "4990",
  "x-ratelimit-reset": String(now / 1000 + 1800),
  ...extra
})

describe("scopes", () => {
  it("every documented scope that writes or administers is flagged; read-only ones are not", () => {
    expect(documentedWriting.filter(isReadOnlyScope)).toEqual([])
    expect(documentedReadOnly.filter((scope) => !isReadOnlyScope(scope))).toEqual([])
    expect(writingScopes(["read:org", "repo", "user:email", "workflow"])).toEqual(["repo", "workflow"])
  })

  it.prop(
    "an unknown scope counts as writing unless GitHub names it read:…",
    [FastCheck.stringMatching(/^[a-z_:]{1,20}$/)],
    ([scope]) => {
      expect(isReadOnlyScope(scope)).toBe(scope.startsWith("read:") || scope === "user:email")
    }
  )
})

describe("token report from GitHub's headers", () => {
  it("a classic token: its scopes, the writing ones named, expiry and rate limit", () => {
    const report = tokenReportOf(
      headers({ "x-oauth-scopes": "repo, read:org, workflow", "github-authentication-token-expiration": "2026-05-06 12:00:00 UTC" }),
      "octocat",
      "ghp_x"
    )
    expect(toTokenDocument(report)).toEqual({
      login: "octocat",
      kind: "classic",
      scopes: ["repo", "read:org", "workflow"],
      writes: true,
      expires_at: "2026-05-06T12:00:00.000Z",
      rate_limit: { limit: 5000, remaining: 4990, reset_at: "2026-05-01T12:30:00.000Z" }
    })
    expect(Object.keys(toTokenDocument(report))).toEqual(["login", "kind", "scopes", "writes", "expires_at", "rate_limit"])
    const warnings = tokenWarnings(report, now)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain("scopes repo, workflow grant write or admin rights")
    expect(warnings[0]).toContain("Generate new token (classic) with no scope ticked")
    expect(warnings[0]).not.toContain("read:org")
    expect(warnings[1]).toContain("expires 2026-05-06 12:00 UTC (in 5 days)")
    expect(describeToken(report, now)).toBe(
      "Token: classic, scopes: repo, read:org, workflow; expires 2026-05-06 12:00 UTC (in 5 days); rate limit 4990/5000 left until 2026-05-01 12:30 UTC"
    )
  })

  it("a classic token with no scope (an empty header) reads only: no warning", () => {
    const report = tokenReportOf(headers({ "x-oauth-scopes": "" }), "octocat", "ghp_x")
    expect(report.kind).toBe("classic")
    expect(report.scopes).toEqual([])
    expect(toTokenDocument(report).writes).toBe(false)
    expect(tokenWarnings(report, now)).toEqual([])
    expect(renderTokenReport(report, now)).toContain("scopes     (none: read-only)")
  })

  it("no scope header is a fine-grained token; so is the github_pat_ prefix whatever the header", () => {
    for (const report of [
      tokenReportOf(headers(), "octocat", "ghp_x"),
      tokenReportOf(headers({ "x-oauth-scopes": "" }), "octocat", "github_pat_11ABC")
    ]) {
      expect(report.kind).toBe("fine-grained")
      expect(report.scopes).toBeNull()
      expect(scopeWarning(report)).toBeNull()
      expect(describeToken(report, now)).toContain("fine-grained (GitHub does not show its permissions")
    }
  })

  it("no answer from GitHub: kind unknown, nothing else known", () => {
    const report = tokenReportOf(undefined, null, "ghp_x")
    expect(toTokenDocument(report)).toEqual({
      login: null,
      kind: "unknown",
      scopes: null,
      writes: false,
      expires_at: null,
      rate_limit: null
    })
    expect(describeToken(report, now)).toBe("Token: kind unknown (GitHub gave no answer to read it from)")
  })

  it("expiry: GitHub's two forms; a warning under 14 days only; none without a date", () => {
    expect(parseExpiry("2026-06-01 00:00:00 UTC")?.toISOString()).toBe("2026-06-01T00:00:00.000Z")
    expect(parseExpiry("2026-06-01 09:00:00 +0900")?.toISOString()).toBe("2026-06-01T00:00:00.000Z")
    expect(parseExpiry("2026-06-01 00:00:00 -0130")?.toISOString()).toBe("2026-06-01T01:30:00.000Z")
    for (const bad of [undefined, "", "tomorrow", "2026-06-01", "2026-13-45 99:00:00 UTC"]) expect(parseExpiry(bad)).toBeNull()
    const expiring = (at: number) =>
      tokenReportOf(headers({ "x-oauth-scopes": "", "github-authentication-token-expiration": `${new Date(at).toISOString().replace("T", " ").slice(0, 19)} UTC` }), "o", "ghp_x")
    expect(expiryWarning(expiring(now + 14 * day), now)).toBeNull()
    expect(expiryWarning(expiring(now + 14 * day - 60_000), now)).toContain("(in 13 days)")
    expect(expiryWarning(expiring(now + 3 * 3_600_000), now)).toContain("(in 3 hours)")
    expect(expiryWarning(tokenReportOf(headers({ "x-oauth-scopes": "" }), "o", "ghp_x"), now)).toBeNull()
  })

  it("a rate limit needs all three headers as numbers", () => {
    expect(parseRateLimit(headers())).toEqual({ limit: 5000, remaining: 4990, resetAt: new Date(now + 1_800_000) })
    expect(parseRateLimit({ "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "1" })).toBeNull()
    expect(parseRateLimit(headers({ "x-ratelimit-remaining": "lots" }))).toBeNull()
  })

  it("spans read in their largest whole unit", () => {
    expect([59_000, 60_000, 3_600_000 * 2.5, day, 20 * day].map(formatSpan)).toEqual([
      "0 minutes", "1 minute", "2 hours", "1 day", "20 days"
    ])
  })
})
