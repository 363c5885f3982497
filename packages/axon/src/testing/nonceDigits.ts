/**
 * The digits of `dendrite.nonce` as a synapse's JSON text writes them, or undefined when
 * it holds no integer there. Tests read the text because `JSON.parse` rounds integers
 * beyond 2^53, and a nanosecond nonce is one.
 */
export const dendriteNonceDigits = (json: string): string | undefined =>
  /"dendrite":\{[^{}]*"nonce":(-?\d+)[,}]/.exec(json)?.[1]
