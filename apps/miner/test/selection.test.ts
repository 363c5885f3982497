import { Hotkey, Neuron, Uid } from "@gittensor-pat/core"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { defaultPolicy, selectValidators, skipReasons } from "../src/selection.js"

const neuron = (uid: number, fields: Partial<{ stake: number; vtrust: number; ip: string; port: number }> = {}) =>
  Neuron.make({
    uid: Uid.make(uid),
    hotkey: Hotkey.make(`5Hotkey${uid}`),
    stake: fields.stake ?? 20000,
    validatorTrust: fields.vtrust ?? 0.9,
    axon: { ip: fields.ip ?? "10.0.0.1", port: fields.port ?? 8091 }
  })

describe("selectValidators", () => {
  it("calls a serving, trusted, staked validator", () => {
    const { eligible, skipped } = selectValidators([neuron(0)], defaultPolicy)
    expect(eligible.map((n) => n.uid)).toEqual([0])
    expect(skipped).toEqual([])
  })

  it("skips with each reason that applies", () => {
    const { eligible, skipped } = selectValidators(
      [
        neuron(0, { vtrust: 0.25 }),
        neuron(1, { ip: "0.0.0.0", port: 0 }),
        neuron(2, { stake: 14999.5 }),
        neuron(3, { vtrust: 0, ip: "0.0.0.0", port: 0, stake: 0 }),
        neuron(4, { port: 0 })
      ],
      defaultPolicy
    )
    expect(eligible).toEqual([])
    expect(skipped.map((s) => [s.uid, s.reason])).toEqual([
      [0, "validator_trust 0.25 ≤ 0.25"],
      [1, "axon not serving (0.0.0.0:0)"],
      [2, "stake 14999.5 < 15000"],
      [3, "validator_trust 0 ≤ 0.25; axon not serving (0.0.0.0:0); stake 0 < 15000"],
      [4, "axon not serving (10.0.0.1:0)"]
    ])
  })

  it("a stake exactly at the minimum is enough", () => {
    expect(skipReasons(neuron(0, { stake: 15000 }), defaultPolicy)).toEqual([])
  })

  const arbitraryNeurons = FastCheck.array(
    FastCheck.record({
      stake: FastCheck.oneof(FastCheck.constant(15000), FastCheck.double({ min: 0, max: 1e6, noNaN: true })),
      vtrust: FastCheck.oneof(FastCheck.constant(0.25), FastCheck.double({ min: 0, max: 1, noNaN: true })),
      ip: FastCheck.constantFrom("0.0.0.0", "127.0.0.1", "203.0.113.9"),
      port: FastCheck.constantFrom(0, 8091, 65535)
    }),
    { maxLength: 40 }
  ).map((fields) => fields.map((f, uid) => neuron(uid, f)))

  it.prop(
    "partitions the metagraph: eligible iff every criterion holds, skipped always says why",
    [arbitraryNeurons, FastCheck.double({ min: 0, max: 1, noNaN: true }), FastCheck.double({ min: 0, max: 1e5, noNaN: true })],
    ([neurons, minVtrust, minStake]) => {
      const policy = { minVtrust, minStake }
      const { eligible, skipped } = selectValidators(neurons, policy)
      expect([...eligible.map((n) => n.uid), ...skipped.map((s) => s.uid)].sort((a, b) => a - b)).toEqual(
        neurons.map((n) => n.uid)
      )
      for (const n of eligible) {
        expect(n.validatorTrust > minVtrust && n.stake >= minStake && n.axon.ip !== "0.0.0.0" && n.axon.port > 0).toBe(true)
      }
      for (const s of skipped) {
        const n = neurons[s.uid]!
        expect(s.reason.includes("validator_trust")).toBe(n.validatorTrust <= minVtrust)
        expect(s.reason.includes("stake")).toBe(n.stake < minStake)
        expect(s.reason.includes("axon not serving")).toBe(n.axon.ip === "0.0.0.0" || n.axon.port === 0)
      }
    },
    { fastCheck: { numRuns: 300 } }
  )
})
