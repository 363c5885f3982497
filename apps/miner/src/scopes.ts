/**
 * Whether a classic token's scope only reads. GitHub names its read-only scopes `read:…`
 * (`read:org`, `read:user`, `read:packages`, …); `user:email` reads a user's email
 * addresses. Every other scope of GitHub's list grants some write or admin right: `repo`,
 * `public_repo`, `repo:status`, `repo_deployment`, `repo:invite`, `security_events`,
 * `delete_repo`, `workflow`, `gist`, `notifications`, `user`, `user:follow`, `project`,
 * `codespace`, `write:…`, `admin:…`, `delete:…`, `manage_…`. A scope GitHub adds later
 * counts as writing until it is known to read only: a warning too many is cheaper than a
 * token that can push, handed to every validator, without one.
 */
export const isReadOnlyScope = (scope: string): boolean => scope.startsWith("read:") || scope === "user:email"

/** The scopes, in GitHub's order, that grant write or admin rights. */
export const writingScopes = (scopes: ReadonlyArray<string>): ReadonlyArray<string> =>
  scopes.filter((scope) => !isReadOnlyScope(scope))

/** One line on making a token validators can use and that cannot change anything. */
export const readOnlyAdvice =
  "Validators only read who you are: make a read-only token (github.com → Settings → Developer settings → Personal access tokens → Tokens (classic) → Generate new token (classic) with no scope ticked, or a fine-grained token with only 'Public Repositories (read-only)') and post that one."
