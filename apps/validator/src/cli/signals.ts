const ignore = (): void => {}

/**
 * Keeps SIGINT and SIGTERM after the first from killing the process mid-drain. The first
 * starts the drain (`NodeRuntime.runMain` handles it, then stops listening, so a second
 * would take the default action: exit at once, requests unanswered, lock file left). One
 * stop request often arrives twice: a terminal's Ctrl-C reaches the whole process group,
 * pnpm among it, and pnpm forwards it again; a supervisor may signal every process of the
 * service as well as the one it started. The drain is bounded by its grace; SIGKILL still
 * ends the process at once.
 */
export const drainThroughRepeatedSignals = (): void => {
  process.on("SIGINT", ignore)
  process.on("SIGTERM", ignore)
}
