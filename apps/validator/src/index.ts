export { layer, Validator, type ValidatorOptions, type ValidatorPorts } from "./Validator.js"
