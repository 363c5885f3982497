import { decodeAddress } from "@polkadot/util-crypto"

/** Bittensor's ss58 prefix (the generic Substrate one). */
export const SS58_FORMAT = 42

/** The public key of an ss58 address, or undefined when it is not one. */
export const publicKeyOf = (address: string): Uint8Array | undefined => {
  try {
    return decodeAddress(address)
  } catch {
    return undefined
  }
}
