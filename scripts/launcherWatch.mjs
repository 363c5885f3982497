// Stops a program started through a package manager once that package manager is gone.
// Why: neither pnpm nor npm hands a signal on to the program itself. Each runs its script
// under `sh -c`, forwards SIGTERM or SIGINT only to that shell, and the shell dies without
// passing it on; `npx pnpm …` adds npm and a second shell above pnpm, and npm's signal
// leaves pnpm orphaned but alive. A launcher killed outright (SIGKILL) forwards nothing.
// Either way the program would keep serving, holding its port and its store lock, with
// nobody left to stop it. So the chain of processes up to the package manager the user
// started is watched, and a break in it (one of them died, its children were re-parented)
// is answered as the signal it most likely was: SIGTERM, which the program drains on.
// A program that another of this project's programs runs as its child (the demo's
// validator) is in the same place when that parent dies outright (SIGKILL, or a closed
// pipe: `pnpm demo | head`): the parent sets `withParentMark` in its child's environment,
// and the child then watches its parent the same way.
import { readFileSync } from "node:fs"

// The environment variable (set to "1") by which a parent program asks its child to stop
// when it is gone (apps/miner's `startValidatorProcess` sets it).
const withParentMark = "GITTENSOR_PAT_STOP_WITH_PARENT"

// Linux's view of a process; elsewhere (no /proc) only the direct parent is watched.
const parentOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ")".
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
  } catch {
    return undefined
  }
}

// A process a package manager started for a script carries the script's name in its environment.
const startedByPackageManager = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1")
      .split("\0")
      .some((entry) => entry.startsWith("npm_lifecycle_event="))
  } catch {
    return false
  }
}

/**
 * The processes between this one and the package manager the user started, parent first:
 * each entry's parent is the next, the last is the first ancestor no package manager started.
 */
export const launcherChain = () => {
  const chain = [process.ppid]
  while (startedByPackageManager(chain[chain.length - 1])) {
    const parent = parentOf(chain[chain.length - 1])
    if (parent === undefined || parent <= 1) break
    chain.push(parent)
  }
  return chain
}

const intact = (chain) =>
  process.ppid === chain[0] && chain.every((pid, index) => index === chain.length - 1 || parentOf(pid) === chain[index + 1])

/**
 * When this process was started by a package manager (`npm_lifecycle_event` is set) or by a
 * parent that set `withParentMark`, checks every `intervalMs` that the chain up to it still
 * stands, and sends this process SIGTERM (once) when it does not. The timer never keeps the
 * process alive.
 */
export const stopWhenLauncherGone = (intervalMs = 1000) => {
  const byPackageManager = process.env.npm_lifecycle_event !== undefined
  if (!byPackageManager && process.env[withParentMark] !== "1") return
  const chain = launcherChain()
  const starter = byPackageManager ? "the package manager" : "the program"
  const timer = setInterval(() => {
    if (intact(chain)) return
    clearInterval(timer)
    process.stderr.write(`${starter} that started this program (pid ${chain[chain.length - 1]}) is gone: stopping\n`)
    process.kill(process.pid, "SIGTERM")
  }, intervalMs)
  timer.unref()
}
