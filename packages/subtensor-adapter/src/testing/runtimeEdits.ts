import type { MetadataV15 } from "@polkadot/types/interfaces"
import { compactToU8a, u8aConcat, u8aToHex } from "@polkadot/util"
import { Either } from "effect"
import { loadRuntime, type Runtime } from "../runtime.js"

/** The real runtime of the recorded block, from its metadata V15 answer. */
export const recordedRuntime = (metadataHex: string): Runtime => Either.getOrThrow(loadRuntime(metadataHex, 343))

// "meta" and the version byte, then the metadata, inside Option<Vec<u8>>.
const asAnswer = (v15: MetadataV15): string => {
  const metadata = u8aConcat(new Uint8Array([0x6d, 0x65, 0x74, 0x61, 15]), v15.toU8a())
  return u8aToHex(u8aConcat(new Uint8Array([1]), compactToU8a(metadata.length), metadata))
}

const edited = (runtime: Runtime, changes: Partial<Record<"apis" | "lookup", unknown>>): string => {
  const v15 = runtime.metadata.asV15
  return asAnswer(runtime.registry.createType("MetadataV15", { ...Object.fromEntries(v15.entries()), ...changes }))
}

/** The metadata answer of a runtime like the recorded one without `api.method`, or without `api` at all. */
export const withoutRuntimeApi = (runtime: Runtime, api: string, method?: string): string => {
  const { registry } = runtime
  const apis = runtime.metadata.asV15.apis.flatMap((entry) => {
    if (entry.name.toString() !== api) return [entry]
    if (method === undefined) return []
    const methods = entry.methods.filter((m) => m.name.toString() !== method)
    return [registry.createType("RuntimeApiMetadataV15", { ...Object.fromEntries(entry.entries()), methods })]
  })
  return edited(runtime, { apis })
}

/** The metadata answer of a runtime like the recorded one whose struct named `typeName` lacks `field`. */
export const withoutStructField = (runtime: Runtime, typeName: string, field: string): string => {
  const { registry } = runtime
  const types = runtime.metadata.asV15.lookup.types.map((portable) => {
    const { type } = portable
    if (type.path.at(-1)?.toString() !== typeName) return portable
    const fields = type.def.asComposite.fields.filter((f) => f.name.unwrapOr("").toString() !== field)
    return registry.createType("PortableType", {
      id: portable.id,
      type: { ...Object.fromEntries(type.entries()), def: { Composite: { fields } } }
    })
  })
  return edited(runtime, { lookup: { types } })
}
