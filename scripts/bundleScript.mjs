// Runs a program's CommonJS bundle (scripts/bundleProgram.mjs) from V8's code cache.
// Why: compiling the bundle's top level (3.8 MB, every module's top-level statements in one
// function) takes a 26 MB parse zone plus a 5 MB bytecode zone, malloc'd and freed at once;
// glibc keeps those pages (smaller allocations made meanwhile pin them), so a validator
// carried ~27 MB of free heap from its first second to its last (bench/README.md,
// "Memory"). From the cache V8 reads the top level's bytecode instead of parsing it.
// The cache is made by a child node with this process's flags (V8 refuses a cache made
// under other flags), so that its parse spike is that child's, and is named after the
// bundle's bytes, node's version and those flags: V8 itself only checks the source's
// length, and a cache of another bundle of the same length would run the wrong code.
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { basename, dirname } from "node:path"
import { fileURLToPath } from "node:url"
import vm from "node:vm"

// The bundle as a function of CommonJS's module variables, as node's own loader wraps it.
const wrap = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`

/** Compiles `file`'s bundle, from `cachedData` when given (see `runBundle`). */
export const compile = (file, source, cachedData) =>
  new vm.Script(wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
  })

// Flags of node itself that must not reach the child making the cache (it would open a
// second inspector); every other flag does, V8's among them.
const inspectorFlag = /^--(inspect|inspect-brk|inspect-wait|inspect-port|debug-port)(=|$)/

/** The pattern of `file`'s code caches, for the launcher to remove them with the bundle. */
export const cacheFiles = (file) => new RegExp(`^${basename(file).replace(/\W/g, "\\$&")}\\.[0-9a-f]{16}\\.v8cache$`)

const cacheFileOf = (file, source) => {
  const key = createHash("sha256").update(source).update("\0").update(process.version).update("\0").update(process.execArgv.join("\0"))
  return `${file}.${key.digest("hex").slice(0, 16)}.v8cache`
}

/** The code cache of `file` for this node and these flags: read, or made once by a child. */
const codeCache = (file, source) => {
  const cacheFile = cacheFileOf(file, source)
  if (!existsSync(cacheFile)) {
    const flags = process.execArgv.filter((flag) => !inspectorFlag.test(flag))
    // Compiling takes well under a second; a child stuck for a minute is given up on.
    spawnSync(process.execPath, [...flags, fileURLToPath(new URL("./makeCodeCache.mjs", import.meta.url)), file, cacheFile], {
      stdio: "ignore",
      timeout: 60_000
    })
  }
  try {
    return { cacheFile, cachedData: readFileSync(cacheFile) }
  } catch {
    // No cache (a read-only folder, a child that failed): the bundle is parsed as before.
    return { cacheFile, cachedData: undefined }
  }
}

/**
 * Runs the bundle `file` as node runs a CommonJS module, its top level from the code cache
 * when there is one; a cache V8 refuses is removed, so the next start makes a fresh one.
 * Returns whether V8 took the top level from the cache.
 */
export const runBundle = (file) => {
  const source = readFileSync(file, "utf8")
  const { cacheFile, cachedData } = codeCache(file, source)
  const script = compile(file, source, cachedData)
  const fromCache = cachedData !== undefined && !script.cachedDataRejected
  if (cachedData !== undefined && !fromCache) rmSync(cacheFile, { force: true })
  const module = { exports: {} }
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  return fromCache
}
