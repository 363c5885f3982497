#!/usr/bin/env node
// Runs one of the project's programs from a bundle of its TypeScript sources.
// Why: loading the sources through tsx costs 5–7 s of CPU per start (every module of
// effect, platform and polkadot transpiled and resolved one by one); an esbuild bundle
// starts in well under a second. The bundle is rebuilt whenever a source file, a
// package.json or the lockfile is newer than it, so edits take effect on the next run.
// It runs from V8's code cache (scripts/bundleScript.mjs), which keeps the parse of its
// top level, and the memory that costs, out of the program's process.
import { readdirSync, statSync, writeFileSync, readFileSync, existsSync, mkdtempSync, renameSync, rmSync, mkdirSync } from "node:fs"
import { basename, dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { bundleProgram } from "./bundleProgram.mjs"
import { cacheFiles, runBundle } from "./bundleScript.mjs"
import { stopWhenLauncherGone } from "./launcherWatch.mjs"

const root = dirname(dirname(fileURLToPath(import.meta.url)))
// Each program's entry, and the worker threads bundled beside it (see bundleProgram.mjs).
const programs = {
  validator: { entry: "apps/validator/src/main.ts", workers: ["sr25519-worker", "chain-read-worker"] },
  miner: { entry: "apps/miner/src/main.ts", workers: ["sr25519-worker"] },
  demo: { entry: "apps/miner/src/demo.ts", workers: ["sr25519-worker"] }
}

const name = process.argv[2]
const program = programs[name]
if (program === undefined) {
  process.stderr.write(`usage: node scripts/launch.mjs <${Object.keys(programs).join("|")}> [args…]\n`)
  process.exit(2)
}
// The program reads its own arguments from process.argv: drop the program name.
process.argv.splice(2, 1)
// From now on, also while bundling: a launcher that is gone leaves nobody to stop us.
stopWhenLauncherGone()

const sourceStamp = () => {
  let newest = 0
  let count = 0
  const visit = (path) => {
    for (const item of readdirSync(path, { withFileTypes: true })) {
      if (item.name === "node_modules" || item.name === "test") continue
      const full = join(path, item.name)
      if (item.isDirectory()) visit(full)
      else if (/\.(ts|mts|json)$/.test(item.name)) {
        newest = Math.max(newest, statSync(full).mtimeMs)
        count++
      }
    }
  }
  for (const top of ["packages", "apps"]) visit(join(root, top))
  // How the bundle is made counts as much as what it is made of.
  for (const file of ["pnpm-lock.yaml", "scripts/bundleProgram.mjs"]) newest = Math.max(newest, statSync(join(root, file)).mtimeMs)
  return `${newest}:${count}`
}

// Same depth below the root as apps/<app>/src, so `new URL("../../../…", import.meta.url)`
// in the sources still names the repository root from inside the bundle.
const outDir = join(root, "node_modules", ".cache", "gittensor-pat")
const outFile = join(outDir, `${name}.cjs`)
const stampFile = `${outFile}.stamp`
const stamp = sourceStamp()
const files = [outFile, ...program.workers.map((worker) => join(outDir, `${name}.${worker}.mjs`)), stampFile]

if (!files.every((file) => existsSync(file)) || readFileSync(stampFile, "utf8") !== stamp) {
  // Built aside, then renamed into place: programs started side by side (a test's several
  // validators) may all find the bundle stale, and none may load a file half written.
  mkdirSync(outDir, { recursive: true })
  const aside = mkdtempSync(join(outDir, `.${name}-`))
  for (const built of await bundleProgram(join(root, program.entry), aside, name, program.workers)) {
    renameSync(built, join(outDir, basename(built)))
  }
  rmSync(aside, { recursive: true, force: true })
  const staleCache = cacheFiles(outFile)
  for (const stale of readdirSync(outDir).filter((file) => staleCache.test(file))) rmSync(join(outDir, stale), { force: true })
  writeFileSync(stampFile, stamp)
  // esbuild's service process is not needed again: the program's tree is this process alone.
  await (await import("esbuild")).stop()
}

try {
  runBundle(outFile)
} catch (error) {
  process.stderr.write(`${relative(root, outFile)} failed to start: ${error?.stack ?? error}\n`)
  process.exit(1)
}
