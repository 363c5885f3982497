export { budgetMillis, DEFAULT_TIMEOUT_SECONDS, effectiveTimeoutSeconds, MAX_TIMEOUT_SECONDS } from "./budget.js"
export { type EmbeddedValidator, startValidatorPromise } from "./embedded.js"
export { DEV_WALLET, EXAMPLE_METAGRAPH, resolveSettings, type ServeSettings, UsageError } from "./settings.js"
export {
  type RunningValidator,
  startValidator,
  type ValidatorOptions,
  type ValidatorPorts
} from "./Validator.js"
export { type PortSettings, validatorPorts } from "./serve.js"
