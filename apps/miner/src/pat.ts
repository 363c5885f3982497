import type { Pat } from "@gittensor-pat/core"
import { Effect, Option, Redacted } from "effect"
import { PatMissing } from "./errors.js"
import { Interaction } from "./Interaction.js"

/**
 * The PAT from `--pat`, else `GITTENSOR_MINER_PAT` (the parser already chose between
 * them), else a hidden prompt. Surrounding whitespace (a pasted newline) is dropped:
 * GitHub tokens never contain any.
 */
export const resolvePat = Effect.fn("miner.resolvePat")(function* (given: Option.Option<Redacted.Redacted>) {
  const pat = Option.isSome(given) ? given : yield* (yield* Interaction).askPat
  return yield* Option.match(pat, {
    onNone: () => Effect.fail(new PatMissing()),
    onSome: (secret): Effect.Effect<Pat> => Effect.succeed(Redacted.make(Redacted.value(secret).trim()))
  })
})
