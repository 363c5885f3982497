import { makeRunMain, type RunMain } from "@effect/platform/Runtime"

/**
 * `NodeRuntime.runMain` without its SIGINT/SIGTERM handlers. Those interrupt the whole
 * program on the first signal, so `ensure --watch` could not finish its round; here the
 * `StopSignals` service hands each signal to the command that waits for it (every command
 * does: `post` and `check` stop at once, a watch after its round).
 */
export const runMain: RunMain = makeRunMain(({ fiber, teardown }) => {
  // An Effect program waiting on nothing but a signal holds no Node handle of its own.
  const keepAlive = setInterval(() => {}, 2 ** 31 - 1)
  fiber.addObserver((exit) => {
    clearInterval(keepAlive)
    teardown(exit, (code) => {
      // A clean end lets Node finish writing stdout and exit by itself.
      if (code !== 0) process.exit(code)
    })
  })
})
