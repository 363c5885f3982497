import { Sr25519Verifier, type SignedRequest, verifyRequest } from "@gittensor-pat/axon"
import { Duration, Effect, Option } from "effect"
import { Metrics } from "../ops/Metrics.js"

// How long a request waits for the verifier pool before checking the signature itself. A
// healthy pool answers in well under a millisecond; a thread that is alive but stuck would
// otherwise hold its requests until their callers gave up.
const VERIFY_PATIENCE = Duration.seconds(1)

/**
 * Whether a request is signed by its dendrite hotkey (docs/protocol.md, "Signature"): off the main thread when
 * the context holds an `Sr25519Verifier`, on it when the pool cannot answer (full,
 * restarting a thread, closed, or not in time), so the signature is checked either way. Each
 * fallback is counted, so an operator sees threads that stopped helping.
 */
export const makeVerifier: Effect.Effect<(request: SignedRequest) => Effect.Effect<boolean>, never, Metrics> = Effect.gen(
  function* () {
    const pool = yield* Effect.serviceOption(Sr25519Verifier)
    const metrics = yield* Metrics
    return (request) => {
      const here = Effect.sync(() => verifyRequest(request))
      const instead = (reason: string) => Effect.zipRight(metrics.verifiedOnMainThread(reason), here)
      return Option.isNone(pool)
        ? here
        : Effect.catchTag(pool.value.verify(request, VERIFY_PATIENCE), "VerifierError", (error) =>
            instead(error.reason)
          )
    }
  }
)
