import { type Bytes, Metadata, type Option as CodecOption, TypeRegistry } from "@polkadot/types"
import type { Codec } from "@polkadot/types/types"
import { hexToU8a, isHex, u8aConcat, u8aToHex } from "@polkadot/util"
import { Either, Option } from "effect"
import { UndecodableChainData, UnsupportedRuntime } from "./errors.js"
import { checkShape, type OptionShape, Shape, type StructShape } from "./shape.js"

/** The `state_call` that returns the runtime's metadata V15, and its argument (version 15 as a u32). */
export const metadataAtVersion15 = { method: "Metadata_metadata_at_version", args: "0x0f000000" } as const

/** The types of one runtime, from its own metadata V15. */
export interface Runtime {
  readonly specVersion: number
  readonly registry: TypeRegistry
  readonly metadata: Metadata
}

/** One runtime API method, checked against what the reader needs from it. */
export interface RuntimeCall<A> {
  /** The `state_call` method name (`Api_method`). */
  readonly name: string
  /** The SCALE-encoded arguments, as `state_call` takes them. */
  readonly encode: (args: ReadonlyArray<number>) => `0x${string}`
  /** The method's answer, decoded. */
  readonly decode: (answer: unknown) => Either.Either<A, UndecodableChainData>
}

/** The leading fields of a struct, decoded, by their runtime (snake_case) names. */
export type LeadingFields = Readonly<Record<string, Codec>>

const failure = (what: string, error: unknown) =>
  new UndecodableChainData({ what, detail: error instanceof Error ? error.message : String(error) })

const bytesOf = (what: string, answer: unknown): Either.Either<Uint8Array, UndecodableChainData> =>
  typeof answer === "string" && isHex(answer)
    ? Either.right(hexToU8a(answer))
    : Either.left(new UndecodableChainData({ what, detail: `expected hex bytes, got ${JSON.stringify(answer)?.slice(0, 80)}` }))

const decodeExactly = (registry: TypeRegistry, type: string, what: string, bytes: Uint8Array) =>
  Either.flatMap(
    Either.try({ try: () => registry.createType(type, bytes), catch: (error) => failure(what, error) }),
    (codec) =>
      codec.encodedLength === bytes.length
        ? Either.right(codec)
        : Either.left(
            new UndecodableChainData({ what, detail: `${bytes.length - codec.encodedLength} bytes left over after the answer` })
          )
  )

/** Reads the answer to `Metadata_metadata_at_version(15)`; a runtime without V15 cannot be read. */
export const loadRuntime = (
  answer: unknown,
  specVersion: number
): Either.Either<Runtime, UndecodableChainData | UnsupportedRuntime> => {
  const what = metadataAtVersion15.method
  const registry = new TypeRegistry()
  return bytesOf(what, answer).pipe(
    Either.flatMap((bytes) => decodeExactly(registry, "Option<Bytes>", what, bytes)),
    Either.flatMap((opaque): Either.Either<Metadata, UndecodableChainData | UnsupportedRuntime> => {
      const inner = (opaque as CodecOption<Bytes>).unwrapOr(null)
      return inner === null
        ? Either.left(
            new UnsupportedRuntime({ api: "Metadata", method: "metadata_at_version", specVersion, detail: "has no metadata version 15" })
          )
        : Either.try({ try: () => new Metadata(registry, inner.toU8a(true)), catch: (error) => failure(what, error) })
    }),
    Either.flatMap((metadata) =>
      metadata.version === 15
        ? Either.right(metadata)
        : Either.left(new UndecodableChainData({ what, detail: `asked for version 15, got version ${metadata.version}` }))
    ),
    Either.flatMap((metadata) =>
      Either.try({
        try: () => {
          // Only the type table: the reader builds no extrinsics, so pallets and extensions stay out.
          registry.setLookup(metadata.asV15.lookup)
          return { specVersion, registry, metadata }
        },
        catch: (error) => failure(what, error)
      })
    )
  )
}

/**
 * Finds `api.method` in the runtime, taking integer arguments, and checks that its
 * answer has `output`'s shape; the error names the API, method, field and spec version.
 */
const findMethod = (runtime: Runtime, api: string, method: string, arity: number, output: Shape) => {
  const { registry, specVersion } = runtime
  const lookup = registry.lookup
  const unsupported = (detail: string, field?: string) =>
    Either.left(new UnsupportedRuntime({ api, method, specVersion, detail, ...(field === undefined ? {} : { field }) }))
  const found = runtime.metadata.asV15.apis.find((a) => a.name.toString() === api)
  if (found === undefined) return unsupported("is not there (no such runtime API)")
  const entry = found.methods.find((m) => m.name.toString() === method)
  if (entry === undefined) return unsupported("is not there (no such method)")
  const inputs = entry.inputs.map((input) => ({ name: input.name.toString(), type: input.type }))
  if (inputs.length !== arity || inputs.some((input) => checkShape(lookup, input.type, Shape.uint) !== undefined)) {
    const takes = inputs.map((i) => `${i.name}: ${lookup.getTypeDef(i.type).type}`).join(", ")
    return unsupported(`takes (${takes}), not ${arity} integer argument(s)`)
  }
  const problem = checkShape(lookup, entry.output, output)
  if (problem !== undefined) {
    return problem.path === "" ? unsupported(`answers a type that ${problem.detail}`) : unsupported(problem.detail, problem.path)
  }
  return Either.right({
    name: `${api}_${method}`,
    output: entry.output,
    encode: (args: ReadonlyArray<number>) =>
      u8aToHex(
        u8aConcat(...inputs.map((input, i) => registry.createType(registry.createLookupType(input.type), args[i]).toU8a()))
      )
  })
}

/** `api.method`, whose whole answer is decoded and must be exactly one value of its type. */
export const runtimeCall = (
  runtime: Runtime,
  api: string,
  method: string,
  arity: number,
  output: Shape
): Either.Either<RuntimeCall<Codec>, UnsupportedRuntime> =>
  Either.map(findMethod(runtime, api, method, arity, output), ({ name, output, encode }) => {
    const type = runtime.registry.createLookupType(output)
    return {
      name,
      encode,
      decode: (answer) => Either.flatMap(bytesOf(name, answer), (bytes) => decodeExactly(runtime.registry, type, name, bytes))
    }
  })

/**
 * `api.method` answering an `Option` of a struct, of which only the fields `output` names
 * are read: decoding stops after the last of them, so a large field after them (the
 * subnet state's emission history) costs nothing.
 */
export const runtimeCallLeading = (
  runtime: Runtime,
  api: string,
  method: string,
  arity: number,
  output: OptionShape<StructShape>
): Either.Either<RuntimeCall<Option.Option<LeadingFields>>, UnsupportedRuntime> =>
  Either.map(findMethod(runtime, api, method, arity, output), ({ name, output: optionId, encode }) => {
    const { registry } = runtime
    const wanted = Object.keys(output.value.fields)
    const some = registry.lookup.getSiType(optionId).def.asVariant.variants.find((v) => v.name.toString() === "Some")!
    const fields = registry.lookup.getSiType(some.fields[0]!.type).def.asComposite.fields
    const leading = (bytes: Uint8Array): Either.Either<Option.Option<LeadingFields>, UndecodableChainData> => {
      if (bytes[0] === 0) {
        return bytes.length === 1 ? Either.right(Option.none()) : Either.left(failure(name, "bytes left over after None"))
      }
      if (bytes[0] !== 1) return Either.left(failure(name, `${bytes[0]} is no Option tag`))
      return Either.try({
        try: () => {
          const found: Record<string, Codec> = {}
          let offset = 1
          for (const field of fields) {
            if (wanted.every((key) => key in found)) break
            const codec = registry.createType(registry.createLookupType(field.type), bytes.subarray(offset))
            offset += codec.encodedLength
            if (offset > bytes.length) throw new Error(`field ${field.name.unwrapOr("?")} runs past the answer`)
            found[field.name.unwrapOr("").toString()] = codec
          }
          return Option.some(found)
        },
        catch: (error) => failure(name, error)
      })
    }
    return { name, encode, decode: (answer) => Either.flatMap(bytesOf(name, answer), leading) }
  })
