// Bundles a program for scripts/launch.mjs (and for axon's test of the verifier's bundle).
import { build } from "esbuild"
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/**
 * The worker threads a program may start, by the suffix their bundle gets beside it: the
 * names axon's VerifierPool and the subtensor adapter's ChainReader look for.
 */
export const workerThreads = {
  "sr25519-worker": "packages/axon/src/sr25519Worker.ts",
  "chain-read-worker": "packages/subtensor-adapter/src/chainReadWorker.ts"
}

/**
 * Bundles `entry` into `<outDir>/<name>.cjs`, and beside it each of `workers` (keys of
 * `workerThreads`) as `<name>.<worker>.mjs`. Returns the files written.
 *
 * The program is CommonJS so that the launcher can run it from V8's code cache (see
 * scripts/bundleScript.mjs): node 20 gives an ES module no code cache. Its sources' ES
 * module semantics are kept: strict mode for the whole bundle, and `import.meta.url` the
 * bundle's own URL. Worker threads stay ES modules, started by URL.
 */
export const bundleProgram = async (entry, outDir, name, workers = ["sr25519-worker"]) => {
  const files = [join(outDir, `${name}.cjs`), ...workers.map((worker) => join(outDir, `${name}.${worker}.mjs`))]
  mkdirSync(outDir, { recursive: true })
  const common = {
    outdir: outDir,
    bundle: true,
    platform: "node",
    target: "node20",
    logLevel: "warning",
    // Without comments the bundle is ASCII, so V8 keeps its source (held for lazy compilation)
    // one byte per character: a few comments' non-ASCII characters made it two bytes per
    // character, 10 MB of the validator's heap (bench/README.md, "Memory"). Names are kept,
    // so stack traces still name their functions.
    minifyWhitespace: true,
    legalComments: "none"
  }
  await build({
    ...common,
    entryPoints: [{ in: entry, out: name }],
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: `"use strict";var __bundleUrl = require("node:url").pathToFileURL(__filename).href;` }
  })
  await build({
    ...common,
    entryPoints: workers.map((worker) => ({ in: join(root, workerThreads[worker]), out: `${name}.${worker}` })),
    outExtension: { ".js": ".mjs" },
    format: "esm",
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
  })
  return files
}
