/**
 * Reads the recorded answers byte by byte, without the metadata or any decoder, from the
 * struct layouts in subtensor's source (pallets/subtensor/src/rpc_info/neuron_info.rs,
 * NeuronInfoLite; show_subnet.rs, SubnetState): an oracle the decoder is checked against.
 */

/** A cursor over SCALE bytes. */
class Bytes {
  offset = 0
  constructor(private readonly bytes: Uint8Array) {}

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new Error(`read past the end at ${this.offset}`)
    const part = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return part
  }

  /** Little-endian unsigned integer of `length` bytes. */
  uint(length: number): bigint {
    return this.take(length).reduceRight((value, byte) => (value << 8n) | BigInt(byte), 0n)
  }

  /** SCALE compact: the low two bits of the first byte say how many bytes follow. */
  compact(): bigint {
    const mode = this.bytes[this.offset]! & 3
    if (mode === 0) return this.uint(1) >> 2n
    if (mode === 1) return this.uint(2) >> 2n
    if (mode === 2) return this.uint(4) >> 2n
    const length = (this.bytes[this.offset]! >> 2) + 4
    this.take(1)
    return this.uint(length)
  }

  count(): number {
    return Number(this.compact())
  }

  get done(): boolean {
    return this.offset === this.bytes.length
  }
}

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"))

/** One NeuronInfoLite's fields the metagraph needs, as raw chain values. */
export interface HandNeuron {
  readonly hotkey: Uint8Array
  readonly uid: number
  readonly netuid: number
  /** u16. */
  readonly validatorTrust: number
  /** u128. */
  readonly ip: bigint
  readonly port: number
}

/** `Vec<NeuronInfoLite>`, walked field by field; fails unless it ends exactly at the last byte. */
export const neuronsByHand = (hex: string): ReadonlyArray<HandNeuron> => {
  const b = new Bytes(fromHex(hex))
  const neurons = Array.from({ length: b.count() }, () => {
    const hotkey = b.take(32)
    b.take(32) // coldkey
    const uid = Number(b.compact())
    const netuid = Number(b.compact())
    b.take(1) // active
    // axon_info: block u64, version u32, ip u128, port u16, ip_type u8, protocol u8, placeholder1 u8, placeholder2 u8
    b.take(8 + 4)
    const ip = b.uint(16)
    const port = Number(b.uint(2))
    b.take(4)
    b.take(8 + 4 + 16 + 2 + 1) // prometheus_info: block, version, ip, port, ip_type
    for (let n = b.count(); n > 0; n--) {
      b.take(32) // stake: (coldkey, Compact<u64>)
      b.compact()
    }
    for (const _ of ["rank", "emission", "incentive", "consensus", "trust"]) b.compact()
    const validatorTrust = Number(b.compact())
    b.compact() // dividends
    b.compact() // last_update
    b.take(1) // validator_permit
    b.compact() // pruning_score
    return { hotkey, uid, netuid, validatorTrust, ip, port }
  })
  if (!b.done) throw new Error("bytes left after the neurons")
  return neurons
}

/** The hotkeys and total stakes (rao) of `Option<SubnetState>`, walked up to `total_stake`. */
export const subnetStateByHand = (hex: string): { readonly hotkeys: ReadonlyArray<Uint8Array>; readonly totalStake: ReadonlyArray<bigint> } => {
  const b = new Bytes(fromHex(hex))
  if (b.take(1)[0] !== 1) throw new Error("no subnet state")
  b.compact() // netuid
  const hotkeys = Array.from({ length: b.count() }, () => b.take(32))
  for (let n = b.count(); n > 0; n--) b.take(32) // coldkeys
  for (const _ of ["active", "validator_permit"]) for (let n = b.count(); n > 0; n--) b.take(1)
  const compacts = () => Array.from({ length: b.count() }, () => b.compact())
  // pruning_score, last_update, emission, dividends, incentives, consensus, trust, rank, block_at_registration, alpha_stake, tao_stake
  for (let field = 0; field < 11; field++) compacts()
  return { hotkeys, totalStake: compacts() }
}
