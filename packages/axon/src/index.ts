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
  keypairFromSeed,
  publicKeyOf,
  SS58_FORMAT
} from "./Keypair.js"
export * from "./MetagraphSnapshot.js"
export * from "./NonceWindow.js"
export * from "./signature.js"
export * from "./synapse.js"
export * from "./wallet.js"
