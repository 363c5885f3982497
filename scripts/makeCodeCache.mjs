// Run by scripts/bundleScript.mjs in a child node with the program's flags: compiles the
// bundle argv[2] and writes V8's code cache of it to argv[3], aside and then renamed into
// place, so that programs started side by side never read half a cache. A write that fails
// (a full disk) leaves nothing behind: the program then runs without a cache.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { compile } from "./bundleScript.mjs"

const [file, cacheFile] = process.argv.slice(2)
const aside = `${cacheFile}.${process.pid}.tmp`
try {
  writeFileSync(aside, compile(file, readFileSync(file, "utf8"), undefined).createCachedData())
  renameSync(aside, cacheFile)
} catch (error) {
  rmSync(aside, { force: true })
  throw error
}
