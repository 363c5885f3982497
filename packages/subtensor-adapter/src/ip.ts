/**
 * An axon's ip as the chain stores it (a u128), written as the SDK's `int_to_ip` writes it:
 * dotted IPv4 when it fits in 32 bits, else IPv6 in its shortest form (RFC 5952), with an
 * IPv4-mapped address ending in dotted form.
 */
export const ipText = (ip: bigint): string => {
  if (ip < 1n << 32n) return dotted(ip)
  if (ip >> 32n === 0xffffn) return `::ffff:${dotted(ip & 0xffffffffn)}`
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt(112 - 16 * i)) & 0xffffn))
  const [start, length] = longestZeroRun(groups)
  const hex = groups.map((g) => g.toString(16))
  return length < 2 ? hex.join(":") : `${hex.slice(0, start).join(":")}::${hex.slice(start + length).join(":")}`
}

const dotted = (ip: bigint): string =>
  [24n, 16n, 8n, 0n].map((shift) => Number((ip >> shift) & 0xffn)).join(".")

// The first longest run of zero groups, as [start, length].
const longestZeroRun = (groups: ReadonlyArray<number>): [number, number] => {
  let best: [number, number] = [0, 0]
  let start = -1
  groups.forEach((group, i) => {
    if (group !== 0) {
      start = -1
      return
    }
    if (start < 0) start = i
    if (i - start + 1 > best[1]) best = [start, i - start + 1]
  })
  return best
}
