import type { Uid } from "./domain.js"

/** The exact texts miners see (docs/outcomes.md, "Checks" and "Broadcasts"). */
export const Messages = {
  storeUnavailable: "Validator PAT store temporarily unavailable; please retry.",
  noPat: "No PAT stored for this miner",
  checkRetryLater: "GitHub API temporarily unavailable; retry the check in a few minutes.",
  noGitHubId: (uid: Uid) => `No Github id found for miner ${uid}'s PAT`,
  testQueryFailed: (message: string) => `PAT test query failed: ${message}`,
  notRegistered: "Hotkey not registered on subnet",
  identityTransient: (uid: Uid) =>
    `Could not validate Github id for miner ${uid}: GitHub /user lookup failed transiently`,
  identityLocked:
    "GitHub identity is locked for this hotkey. Deregister and re-register to change GitHub accounts.",
  broadcastRetryLater:
    "GitHub API temporarily unavailable; the PAT was not evaluated. Retry the broadcast in a few minutes.",
  graphqlStatus: (status: number) => `GitHub GraphQL API returned ${status}`,
  graphqlError: (message: string | undefined) => `GraphQL error: ${message ?? "unknown"}`,
  missingScope: "Fine-grained PATs need 'Public Repositories (read-only)' permission"
} as const
