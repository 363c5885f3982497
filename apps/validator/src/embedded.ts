import { Effect, Exit, Layer, Scope } from "effect"
import { type RunningValidator, startValidator, type ValidatorOptions, type ValidatorPorts } from "./Validator.js"

/** A validator started from plain async code; `close()` drains and stops it. */
export interface EmbeddedValidator extends RunningValidator {
  readonly close: () => Promise<void>
}

/**
 * `startValidator` for code outside Effect (the demo, the benchmarks): `ports` supplies
 * GitHub, the PAT store and the metagraph, and lives until `close()`.
 */
export const startValidatorPromise = async <E>(
  options: ValidatorOptions & { readonly ports: Layer.Layer<ValidatorPorts, E> }
): Promise<EmbeddedValidator> => {
  const scope = Effect.runSync(Scope.make())
  const start = Effect.gen(function* () {
    const context = yield* Layer.buildWithScope(options.ports, scope)
    return yield* startValidator(options).pipe(Effect.provide(context), Scope.extend(scope))
  })
  const exit = await Effect.runPromiseExit(start)
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    throw new Error(`The validator could not start: ${String(exit.cause)}`)
  }
  return { ...exit.value, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
