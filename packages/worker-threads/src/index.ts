import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { Worker } from "node:worker_threads"

/**
 * Where a worker thread's entry module is. `moduleUrl` is the `import.meta.url` of the module
 * that starts it: under vitest or tsx that module is its TypeScript source, and `source` (a
 * path relative to it) is the entry; in the launcher's bundle it is `<program>.cjs`, and the
 * entry is bundled beside it as `<program><bundleSuffix>` (scripts/bundleProgram.mjs).
 */
export const workerEntry = (moduleUrl: string, source: string, bundleSuffix: string): URL => {
  const here = new URL(moduleUrl)
  return here.pathname.endsWith(".ts")
    ? new URL(source, here)
    : new URL(here.pathname.replace(/\.[cm]?js$/, bundleSuffix), here)
}

// Node 20 applies no loader hooks to worker threads (not even `--import tsx` in their
// execArgv), so a TypeScript worker registers tsx itself before importing its entry.
const tsxRegisterUrl = (): string => {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve("tsx/package.json")
  const { exports } = require(manifest) as { readonly exports: { readonly "./esm/api": { readonly import: { readonly default: string } } } }
  return new URL(exports["./esm/api"].import.default, pathToFileURL(manifest)).href
}

/**
 * Starts a worker thread on `entry` (a `.ts` entry through tsx). Its environment is empty:
 * nothing of the process's (a token in it included) reaches the thread.
 */
export const startWorkerThread = (entry: URL): Worker => {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, { env: {} })
  const code = `import(${JSON.stringify(tsxRegisterUrl())}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(code, { eval: true, env: {} })
}
