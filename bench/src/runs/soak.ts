import { FileSystem } from "@effect/platform"
import { Effect, Fiber, Random } from "effect"
import { benchMain } from "../benchMain.js"
import { loadGroup } from "../loadRun.js"
import type { LoadRecord } from "../loadgen/spec.js"
import { minerRange, minerToken } from "../miners.js"
import { benchOptions } from "../options.js"
import { freePort } from "../ports.js"
import { markdownTable } from "../summary.js"
import { makeWorld, startValidatorIn, type World } from "../world.js"

// Issue 9 item 5 (durability): the validator is killed with SIGKILL at random moments in
// a stream of broadcasts, restarted, and the store is checked after every restart: it must
// parse, and hold every broadcast that was acknowledged before the kill.
const options = benchOptions()
const kills = options.quick ? 3 : 50
const writers = 16
const variants = 400
const soakMiners = minerRange(0, writers)

/**
 * Per miner, the token variants the store may hold: the last acknowledged one, or any sent
 * after it (a save can land and the kill come before its answer). Each miner has a single
 * sequential writer, so "after" is well defined.
 */
type Expected = Map<number, ReadonlySet<number>>

const advance = (expected: Expected, records: ReadonlyArray<LoadRecord>): Expected => {
  const next: Expected = new Map(expected)
  for (const miner of soakMiners) {
    const sent = records.filter(([, m]) => m === miner)
    const lastAck = sent.map(([, , outcome]) => outcome).lastIndexOf("accepted")
    const after = sent.slice(lastAck + 1).map(([, , , , variant]) => variant)
    const base = lastAck >= 0 ? [sent[lastAck]![4]] : [...(expected.get(miner) ?? [])]
    next.set(miner, new Set([...base, ...after]))
  }
  return next
}

const checkStore = (world: World, expected: Expected) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(world.files.patsFile)
    const entries = yield* Effect.try({
      try: () => JSON.parse(text) as ReadonlyArray<{ uid: number; hotkey: string; pat: string }>,
      catch: () => "unparseable"
    }).pipe(Effect.either)
    const strays = (yield* fs.readDirectory(world.dir)).filter((name) => /^miner_pats\.json\..*\.tmp$/.test(name))
    if (entries._tag === "Left" || !Array.isArray(entries.right)) return { parseable: false, lost: writers, strays: strays.length }
    const byUid = new Map(entries.right.map((entry) => [entry.uid, entry]))
    const lost = soakMiners.filter((miner) => {
      const entry = byUid.get(miner)
      const allowed = [...(expected.get(miner) ?? [])].map((variant) => minerToken(miner, variant))
      return entry === undefined || entry.hotkey !== world.keypairs[miner]!.address || !allowed.includes(entry.pat)
    }).length
    return { parseable: true, lost, strays: strays.length }
  })

const program = Effect.gen(function* () {
  const world = yield* makeWorld()
  yield* world.github.allowMiners(soakMiners, variants)
  const port = yield* freePort
  let expected: Expected = new Map(soakMiners.map((miner) => [miner, new Set([0])]))
  const cycles = []
  for (let cycle = 1; cycle <= kills + 1; cycle++) {
    const row = yield* Effect.scoped(
      Effect.gen(function* () {
        const validator = yield* startValidatorIn(world, {
          port,
          logFile: `${world.dir}/validator-soak.log`
        })
        const check = yield* checkStore(world, expected)
        if (cycle > kills) return { cycle, ...check, sent: 0, acknowledged: 0, killAfterMs: 0 }
        const load = yield* Effect.fork(
          world.load.run({
            target: validator.target,
            groups: [
              loadGroup({
                synapse: "PatBroadcastSynapse",
                miners: soakMiners,
                concurrency: writers,
                durationMs: 20_000,
                tokenVariants: variants,
                stopOnFailure: true
              })
            ]
          })
        )
        const killAfterMs = yield* Random.nextIntBetween(300, 2000)
        yield* Effect.sleep(killAfterMs)
        yield* validator.child.stop("SIGKILL")
        const report = yield* Fiber.join(load)
        expected = advance(expected, report.records)
        const acknowledged = report.records.filter(([, , outcome]) => outcome === "accepted").length
        return { cycle, ...check, sent: report.records.length, acknowledged, killAfterMs }
      })
    )
    console.log(
      `start ${cycle}: store ${row.parseable ? "parses" : "UNPARSEABLE"}, ${row.lost} acknowledged lost, ${row.strays} stray temp files` +
        (cycle > kills ? "" : `; ${row.acknowledged}/${row.sent} broadcasts acknowledged, kill -9 at ${row.killAfterMs} ms`)
    )
    cycles.push(row)
  }
  return {
    options,
    kills,
    writers,
    restartsChecked: cycles.length,
    unparseable: cycles.filter((row) => !row.parseable).length,
    lostAcknowledged: cycles.reduce((sum, row) => sum + row.lost, 0),
    strayTempFiles: cycles.reduce((sum, row) => sum + row.strays, 0),
    acknowledged: cycles.reduce((sum, row) => sum + row.acknowledged, 0),
    sent: cycles.reduce((sum, row) => sum + row.sent, 0),
    cycles
  }
})

benchMain("soak", program, (figures) =>
  markdownTable([figures], {
    kills: "kill -9",
    restartsChecked: "restarts checked",
    acknowledged: "broadcasts acknowledged",
    sent: "broadcasts sent",
    unparseable: "unparseable stores",
    lostAcknowledged: "acknowledged lost",
    strayTempFiles: "stray temp files after restart"
  })
)
