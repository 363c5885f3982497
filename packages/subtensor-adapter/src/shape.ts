import type { PortableRegistry } from "@polkadot/types"
import type { Si1LookupTypeId } from "@polkadot/types/interfaces"

/** The part of a runtime type a reader relies on; everything else may change freely. */
export type Shape =
  | { readonly kind: "uint" }
  | { readonly kind: "account" }
  | { readonly kind: "vec"; readonly item: Shape }
  | OptionShape<Shape>
  | StructShape

/** A struct of which only the named fields matter. */
export interface StructShape {
  readonly kind: "struct"
  readonly fields: Readonly<Record<string, Shape>>
}

/** `Option<T>`. */
export interface OptionShape<T extends Shape> {
  readonly kind: "option"
  readonly value: T
}

/** Shape constructors, read like the Rust types they stand for. */
export const Shape = {
  uint: { kind: "uint" } as Shape,
  account: { kind: "account" } as Shape,
  vec: (item: Shape): Shape => ({ kind: "vec", item }),
  option: <T extends Shape>(value: T): OptionShape<T> => ({ kind: "option", value }),
  struct: (fields: Readonly<Record<string, Shape>>): StructShape => ({ kind: "struct", fields })
}

/** Where a type departs from the shape: the dotted field path ("" for the type itself) and how. */
export interface ShapeMismatch {
  readonly path: string
  readonly detail: string
}

type TypeId = Si1LookupTypeId | number

const unsigned = new Set(["U8", "U16", "U32", "U64", "U128"])

const join = (path: string, field: string) => (path === "" ? field : `${path}.${field}`)

/**
 * Checks the runtime type `id` against `shape` in the metadata's own type table. A
 * wrapper struct of one unnamed field (`NetUid(u16)`, `AccountId32([u8; 32])`) counts as
 * what it wraps, as it encodes the same.
 */
export const checkShape = (
  lookup: PortableRegistry,
  id: TypeId,
  shape: Shape,
  path = ""
): ShapeMismatch | undefined => {
  const type = lookup.getSiType(id)
  const def = type.def
  const name = lookup.getTypeDef(id).type
  const mismatch = (expected: string): ShapeMismatch => ({ path, detail: `is ${name}, not ${expected}` })
  if (def.isComposite) {
    const fields = def.asComposite.fields
    if (fields.length === 1 && fields[0]!.name.isNone) return checkShape(lookup, fields[0]!.type, shape, path)
  }
  switch (shape.kind) {
    case "uint":
      if (def.isPrimitive) return unsigned.has(def.asPrimitive.type) ? undefined : mismatch("an unsigned integer")
      if (def.isCompact) return checkShape(lookup, def.asCompact.type, shape, path)
      return mismatch("an unsigned integer")
    case "account":
      return def.isArray && def.asArray.len.toNumber() === 32 && lookup.getTypeDef(def.asArray.type).type === "u8"
        ? undefined
        : mismatch("a 32-byte account id")
    case "vec":
      return def.isSequence ? checkShape(lookup, def.asSequence.type, shape.item, path) : mismatch("a list")
    case "option": {
      const isOption = def.isVariant && type.path.length === 1 && type.path[0]!.toString() === "Option"
      const some = isOption ? def.asVariant.variants.find((v) => v.name.toString() === "Some") : undefined
      const inner = some?.fields[0]
      return inner === undefined ? mismatch("an Option") : checkShape(lookup, inner.type, shape.value, path)
    }
    case "struct": {
      if (!def.isComposite) return mismatch("a struct")
      const fields = def.asComposite.fields
      for (const [field, fieldShape] of Object.entries(shape.fields)) {
        const found = fields.find((f) => f.name.isSome && f.name.unwrap().toString() === field)
        const problem =
          found === undefined
            ? { path: join(path, field), detail: "is missing" }
            : checkShape(lookup, found.type, fieldShape, join(path, field))
        if (problem !== undefined) return problem
      }
      return undefined
    }
  }
}
