// Bundles a program for scripts/launch.mjs (and for axon's test of the verifier's bundle).
import { build } from "esbuild"
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/**
 * Bundles `entry` into `<outDir>/<name>.mjs`, and beside it the sr25519 verifier's worker
 * thread as `<name>.sr25519-worker.mjs`, the name axon's VerifierPool looks for. Returns
 * the files written.
 */
export const bundleProgram = async (entry, outDir, name) => {
  const files = [join(outDir, `${name}.mjs`), join(outDir, `${name}.sr25519-worker.mjs`)]
  mkdirSync(outDir, { recursive: true })
  await build({
    entryPoints: [
      { in: entry, out: name },
      { in: join(root, "packages/axon/src/sr25519Worker.ts"), out: `${name}.sr25519-worker` }
    ],
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    logLevel: "warning",
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
  })
  return files
}
