// The verifier pool's worker thread (see VerifierPool.ts). The launcher bundles it beside
// each program as `<program>.sr25519-worker.mjs`.
import { parentPort } from "node:worker_threads"
import { waitReady } from "@polkadot/wasm-crypto"
import { verifyRequest } from "./signature.js"
import { answerBatches } from "./verifierProtocol.js"

// Ready only once the WASM is in: until then `verify` would take the JS path, ten times slower.
await waitReady()
if (parentPort !== null) answerBatches(parentPort, verifyRequest)
