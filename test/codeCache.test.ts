import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterEach, assert, describe, it } from "@effect/vitest"

// scripts/bundleScript.mjs: the launcher runs a program's CommonJS bundle from V8's code
// cache. Each case runs a small bundle in a fresh node, as the launcher would, and looks
// at what it printed, whether V8 took the cache, and the cache files beside the bundle.

const run = promisify(execFile)
const bundleScript = new URL("../scripts/bundleScript.mjs", import.meta.url).href
const { cacheFiles } = (await import(bundleScript)) as { readonly cacheFiles: (file: string) => RegExp }
const folders: Array<string> = []

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A folder with a driver that runs argv[2] through `runBundle` and prints whether it came from the cache. */
const workspace = (): { readonly dir: string; readonly bundle: string; readonly driver: string } => {
  const dir = mkdtempSync(join(tmpdir(), "code-cache-"))
  folders.push(dir)
  const driver = join(dir, "driver.mjs")
  writeFileSync(
    driver,
    `import { runBundle } from ${JSON.stringify(bundleScript)}\nconst fromCache = runBundle(process.argv[2])\nprocess.stdout.write("|" + fromCache)\n`
  )
  return { dir, bundle: join(dir, "program.cjs"), driver }
}

/** A bundle as scripts/bundleProgram.mjs lays one out, printing `words` and what it sees of its module. */
const bundleSaying = (words: string): string =>
  `"use strict";var __bundleUrl = require("node:url").pathToFileURL(__filename).href;\n` +
  `process.stdout.write(JSON.stringify({ words: ${JSON.stringify(words)}, url: __bundleUrl, strict: (function () { return this === undefined })(), dir: require("node:path").basename(__dirname) }))`

const runIn = async (space: ReturnType<typeof workspace>, flags: ReadonlyArray<string> = []) => {
  const { stdout } = await run(process.execPath, [...flags, space.driver, space.bundle], { timeout: 60_000 })
  const [printed = "", fromCache] = stdout.split("|")
  return { printed: JSON.parse(printed) as { words: string; url: string; strict: boolean; dir: string }, fromCache: fromCache === "true" }
}

const caches = (dir: string): ReadonlyArray<string> => readdirSync(dir).filter((name) => name.endsWith(".v8cache"))

/** That a start printed `words`, from a cache, and that a second cache now stands beside the first. */
const assertRanFromASecondCache = (
  space: ReturnType<typeof workspace>,
  result: Awaited<ReturnType<typeof runIn>>,
  words: string
) => {
  assert.strictEqual(result.printed.words, words)
  assert.isTrue(result.fromCache)
  assert.strictEqual(caches(space.dir).length, 2)
}

describe("running a bundle from V8's code cache (scripts/bundleScript.mjs)", () => {
  it("runs as CommonJS in strict mode with its own URL, from a cache made before its first start and kept for the next", async () => {
    const space = workspace()
    writeFileSync(space.bundle, bundleSaying("hello"))
    const first = await runIn(space)
    assert.deepStrictEqual(first.printed, {
      words: "hello",
      url: `file://${space.bundle}`,
      strict: true,
      dir: space.dir.split("/").pop()!
    })
    assert.isTrue(first.fromCache, "the first start already runs from the cache a child made")
    const [cache] = caches(space.dir)
    assert.isTrue(cacheFiles(space.bundle).test(cache!), "named as the launcher removes it with a rebuilt bundle")
    const madeAt = statSync(join(space.dir, cache!)).mtimeMs
    const second = await runIn(space)
    assert.deepStrictEqual(second.printed, first.printed)
    assert.isTrue(second.fromCache)
    assert.deepStrictEqual(caches(space.dir), [cache!])
    assert.strictEqual(statSync(join(space.dir, cache!)).mtimeMs, madeAt, "the next start reads the cache, not a new one")
  })

  it("a rebuilt bundle of the very same length never runs the old bundle's cached code", async () => {
    const space = workspace()
    writeFileSync(space.bundle, bundleSaying("old"))
    assert.strictEqual((await runIn(space)).printed.words, "old")
    // V8 checks a cache against its source's length only.
    writeFileSync(space.bundle, bundleSaying("new"))
    assertRanFromASecondCache(space, await runIn(space), "new")
  })

  it("other V8 flags get a cache of their own (V8 refuses one made under other flags)", async () => {
    const space = workspace()
    writeFileSync(space.bundle, bundleSaying("flags"))
    assert.isTrue((await runIn(space)).fromCache)
    assertRanFromASecondCache(space, await runIn(space, ["--max-semi-space-size=16"]), "flags")
  })

  it("a corrupt cache is refused and removed, the bundle runs all the same, and the next start makes a good one", async () => {
    const space = workspace()
    writeFileSync(space.bundle, bundleSaying("corrupt"))
    await runIn(space)
    const [cache] = caches(space.dir)
    writeFileSync(join(space.dir, cache!), "not a code cache")
    const refused = await runIn(space)
    assert.strictEqual(refused.printed.words, "corrupt")
    assert.isFalse(refused.fromCache)
    assert.deepStrictEqual(caches(space.dir), [])
    assert.isTrue((await runIn(space)).fromCache)
  })

  it("a cache that cannot be read (here a folder in its place) leaves the bundle to run as before, parsed", async () => {
    const space = workspace()
    writeFileSync(space.bundle, bundleSaying("unreadable"))
    await runIn(space)
    const [cache] = caches(space.dir)
    rmSync(join(space.dir, cache!))
    mkdirSync(join(space.dir, cache!))
    const parsed = await runIn(space)
    assert.strictEqual(parsed.printed.words, "unreadable")
    assert.isFalse(parsed.fromCache)
  })
})
