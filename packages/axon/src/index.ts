export * from "./bodyHash.js"
export * from "./dendrite.js"
export * from "./dendriteErrors.js"
export * from "./devKeys.js"
export * from "./errors.js"
export * from "./headers.js"
export {
  canonicalPrivateKey,
  cryptoReady,
  type KeyOrigin,
  Keypair,
  keypairFromMnemonic,
  keypairFromPrivateKey,
  keypairFromSeed
} from "./Keypair.js"
export * from "./MetagraphSnapshot.js"
export * from "./NonceWindow.js"
export * from "./ReloadingMetagraph.js"
export * from "./signature.js"
export * from "./Sr25519Verifier.js"
export * from "./ss58.js"
export * from "./synapse.js"
export * from "./synapseFields.js"
export type { VerifierPoolOptions } from "./VerifierPool.js"
export * from "./wallet.js"
export * from "./wireJson.js"
