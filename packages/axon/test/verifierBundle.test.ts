import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { verifyRequest } from "../src/index.js"
import { signedRequest, signers, tempDir } from "./verifierCases.js"

const run = promisify(execFile)
const bundler = new URL("../../../scripts/bundleProgram.mjs", import.meta.url).href
const entry = fileURLToPath(new URL("./fixtures/verifyInBundle.ts", import.meta.url))

describe("the verifier in the launcher's bundle", () => {
  it.scopedLive("finds its worker beside the bundle, answers as verifyRequest, and lets the process exit", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const build = `const { bundleProgram } = await import(${JSON.stringify(bundler)})
process.stdout.write(JSON.stringify(await bundleProgram(${JSON.stringify(entry)}, ${JSON.stringify(dir)}, "verify-check")))`
      const built = yield* Effect.promise(() => run(process.execPath, ["--input-type=module", "-e", build]))
      const [program] = JSON.parse(built.stdout) as Array<string>

      const [alice, bob] = signers as [(typeof signers)[0], (typeof signers)[0]]
      const requests = [signedRequest(alice), signedRequest(bob), { ...signedRequest(bob), dendriteHotkey: alice.address }]
      const wire = JSON.stringify(requests.map((request) => ({ ...request, nonce: `${request.nonce}` })))
      // The timeout is the hang check: the scope's close must end the worker thread.
      const answered = yield* Effect.promise(() => run(process.execPath, [program!, wire], { timeout: 20_000 }))
      assert.deepStrictEqual(JSON.parse(answered.stdout), requests.map(verifyRequest))
      assert.deepStrictEqual(JSON.parse(answered.stdout), [true, true, false])
    })
  )
})
