import { Effect } from "effect"
import { loadGroup } from "../loadRun.js"
import { minerRange } from "../miners.js"
import { groupFigures } from "../summary.js"
import type { RunningValidator } from "../validatorProcess.js"
import type { World } from "../world.js"

/** The synapses a load point sends, each with the answer that counts as served. */
export const loadSynapses = [
  { synapse: "PatCheckSynapse", success: ["valid"] },
  { synapse: "PatBroadcastSynapse", success: ["accepted"] }
] as const

/** One of `loadSynapses`. */
export type LoadSynapse = (typeof loadSynapses)[number]

/** One point of load: C callers as C distinct miners for a while, the fake already at latency L. */
export interface LoadPoint {
  readonly synapse: LoadSynapse
  /** The latency the fake GitHub was set to (the caller sets it; here it only scales p50 / L). */
  readonly latencyMs: number
  readonly concurrency: number
  readonly durationMs: number
}

/**
 * Runs one load point against `validator` and measures it: rate, latency, errors, the
 * validator's peak RSS over the point (`VmHWM`, reset first) and the CPU time each
 * process spent on it.
 */
export const measureLoad = (world: World, validator: RunningValidator, point: LoadPoint) =>
  Effect.gen(function* () {
    const { synapse, latencyMs, concurrency, durationMs } = point
    yield* validator.child.resetPeak
    const cpuBefore = yield* validator.child.cpuMs
    const githubCpuBefore = yield* world.github.child.cpuMs
    const report = yield* world.load.run({
      target: validator.target,
      groups: [loadGroup({ synapse: synapse.synapse, miners: minerRange(0, concurrency), concurrency, durationMs })]
    })
    const figures = groupFigures(report, 0, synapse.success)
    const validatorCpuMs = (yield* validator.child.cpuMs) - cpuBefore
    const githubCpuMs = (yield* world.github.child.cpuMs) - githubCpuBefore
    const elapsedMs = report.elapsedMs[0] ?? 1
    const peakRssMiB = Math.round((yield* validator.child.peakRssKiB) / 1024)
    return {
      synapse: synapse.synapse,
      latencyMs,
      concurrency,
      requests: figures.requests,
      perSecond: figures.perSecond,
      p50: figures.p50,
      p99: figures.p99,
      max: figures.max,
      p50OverL: latencyMs === 0 ? 0 : Math.round((figures.p50 / latencyMs) * 100) / 100,
      errors: figures.errors,
      peakRssMiB,
      // All three share the machine's cores: 100 % is one core busy for the whole point.
      validatorCpuPct: Math.round((validatorCpuMs / elapsedMs) * 100),
      // Per request answered (any HTTP answer): a call that timed out at its caller was not served.
      validatorCpuUsPerRequest: Math.round((validatorCpuMs * 1000) / Math.max(1, figures.answered)),
      loadCpuPct: Math.round((report.cpuMs / elapsedMs) * 100),
      githubCpuPct: Math.round((githubCpuMs / elapsedMs) * 100),
      nonceAgeP50: report.signing.nonceAgeP50,
      nonceAgeMax: report.signing.nonceAgeMax,
      signaturesPerRequest: Math.round((report.signing.signatures / Math.max(1, figures.requests)) * 100) / 100,
      outcomes: figures.outcomes
    }
  })
