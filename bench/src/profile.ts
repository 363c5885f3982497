import { FileSystem } from "@effect/platform"
import { Effect, Schema } from "effect"

const CallFrame = Schema.Struct({ functionName: Schema.String, url: Schema.String, lineNumber: Schema.Number })

const ProfileNode = Schema.Struct({
  id: Schema.Number,
  callFrame: CallFrame,
  children: Schema.optional(Schema.Array(Schema.Number))
})

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) that the summary reads. */
export const CpuProfile = Schema.Struct({
  nodes: Schema.Array(ProfileNode),
  startTime: Schema.Number,
  endTime: Schema.Number,
  samples: Schema.Array(Schema.Number),
  timeDeltas: Schema.Array(Schema.Number)
})
export type CpuProfile = typeof CpuProfile.Type

/** Where the validator's CPU went, in milliseconds of samples. */
export interface ProfileSummary {
  readonly sampledMs: number
  readonly idleMs: number
  readonly busyMs: number
  /** decode+verify, pipeline, store, encode, server, gc, effect runtime, node i/o. */
  readonly byCategory: Record<string, number>
  readonly topSelf: ReadonlyArray<{ readonly frame: string; readonly ms: number }>
}

const projectFile = /\/(packages|apps)\/([\w-]+)\/src\/(.+)$/

/** The category of a frame in this repository's own code, or undefined for library frames. */
const categoryOfProjectFile = (url: string): string | undefined => {
  const match = projectFile.exec(url)
  if (match === null || url.includes("node_modules")) return undefined
  const [, , pkg, file = ""] = match
  if (pkg === "storage-adapter" || /stor/i.test(file)) return "store"
  if (pkg === "core" || pkg === "http-adapter" || /GitHub/.test(file)) return "pipeline"
  if (/wire|encode|response/i.test(file)) return "encode"
  if (pkg === "axon" || /check|readBody|verify|decode|header|nonce|hotkey/i.test(file)) return "decode+verify"
  return "server"
}

/**
 * A sample belongs to the nearest frame of our own code on its stack, since Effect's fiber
 * loop sits under every call and would otherwise take all the time; sr25519 (wasm) is
 * decode+verify wherever it is called from, and file reads and writes are the store's (the
 * metagraph's reload on change is the only other file I/O, and rare). The rest is garbage collection, Effect's fiber
 * runtime, or Node's HTTP and I/O (sockets, parsers, timers, `(program)`).
 */
const classify = (stack: ReadonlyArray<CpuProfile["nodes"][number]>): string => {
  const leaf = stack[0]?.callFrame
  if (leaf?.functionName === "(idle)") return "idle"
  if (leaf?.functionName === "(garbage collector)") return "gc"
  for (const node of stack) {
    if (node.callFrame.url.includes("@polkadot")) return "decode+verify"
    // Effect's file system runs its calls from the fiber loop, away from the caller's frames.
    if (node.callFrame.url.includes("/internal/fileSystem.js")) return "store"
    const category = categoryOfProjectFile(node.callFrame.url)
    if (category !== undefined) return category
  }
  return leaf?.url.includes("/effect/dist/") ? "effect runtime" : "node i/o"
}

const frameName = (node: CpuProfile["nodes"][number]): string =>
  `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/^.*\/(node_modules|packages|apps)\//, "$1/")}:${node.callFrame.lineNumber + 1}`

const ms = (micros: number): number => Math.round(micros / 100) / 10

/**
 * Which samples to count, in milliseconds before the profile's end (the process's exit):
 * the bench knows when its load ran relative to the moment the validator exited, not on
 * the validator's clock.
 */
export interface ProfileWindow {
  readonly fromMsBeforeEnd: number
  readonly toMsBeforeEnd: number
}

/** Summarises a profile: time per category (by stack) and the heaviest frames (by self time). */
export const summarizeProfile = (profile: CpuProfile, window?: ProfileWindow): ProfileSummary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const stackOf = (id: number) => {
    const stack = []
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at)
      if (node !== undefined) stack.push(node)
    }
    return stack
  }
  const categoryOf = new Map<number, string>()
  const categories: Record<string, number> = {}
  const self = new Map<number, number>()
  let at = profile.startTime
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    at += delta
    const beforeEnd = (profile.endTime - at) / 1000
    if (window !== undefined && (beforeEnd > window.fromMsBeforeEnd || beforeEnd < window.toMsBeforeEnd)) return
    let category = categoryOf.get(id)
    if (category === undefined) {
      category = classify(stackOf(id))
      categoryOf.set(id, category)
    }
    categories[category] = (categories[category] ?? 0) + delta
    self.set(id, (self.get(id) ?? 0) + delta)
  })
  const sampled = Object.values(categories).reduce((sum, value) => sum + value, 0)
  const idle = categories.idle ?? 0
  delete categories.idle
  const topSelf = [...self.entries()]
    .filter(([id]) => categoryOf.get(id) !== "idle")
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([id, micros]) => ({ frame: frameName(byId.get(id)!), ms: ms(micros) }))
  return {
    sampledMs: ms(sampled),
    idleMs: ms(idle),
    busyMs: ms(sampled - idle),
    byCategory: Object.fromEntries(Object.entries(categories).map(([key, value]) => [key, ms(value)])),
    topSelf
  }
}

/**
 * Reads and summarises the main thread's profile in a folder (`node --cpu-prof` writes
 * one per thread, and tsx runs its module loader on a thread of its own).
 */
export const readProfile = Effect.fn("readProfile")(function* (folder: string, window?: ProfileWindow) {
  const fs = yield* FileSystem.FileSystem
  const main = (yield* fs.readDirectory(folder)).find((name) => /\.0\.\d+\.cpuprofile$/.test(name))
  const text = yield* fs.readFileString(`${folder}/${main ?? "missing.cpuprofile"}`)
  const profile = yield* Schema.decodeUnknown(Schema.parseJson(CpuProfile))(text)
  return summarizeProfile(profile, window)
})
