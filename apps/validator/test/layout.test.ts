import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"

const src = fileURLToPath(new URL("../src/", import.meta.url))

/** Every source file, as a path relative to src/ ("http/Server.ts"). */
const sources = (folder = src): ReadonlyArray<string> =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [relative(src, join(folder, entry.name))] : []
  )

/** The relative imports and re-exports of one source file, resolved to paths relative to src/. */
const importsOf = (file: string): ReadonlyArray<string> =>
  [...readFileSync(join(src, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((match) =>
    relative(src, resolve(dirname(join(src, file)), match[1]!)).replace(/\.js$/, ".ts")
  )

/** The room a file lives in: its top folder, or the file itself at the top. */
const room = (file: string): string => (file.includes("/") ? file.slice(0, file.indexOf("/")) : file)

const edges = sources().flatMap((file) => importsOf(file).map((target) => ({ file, target })))

const violations = (rule: (edge: { readonly file: string; readonly target: string }) => boolean) =>
  edges.filter(rule).map(({ file, target }) => `${file} -> ${target}`)

describe("the validator's layout (docs/architecture.md, The validator's rooms: who may see whom)", () => {
  it("has the rooms the design names", () => {
    const rooms = new Set(sources().map(room))
    for (const expected of ["http", "overload", "ops", "cli", "main.ts", "Cli.ts", "Validator.ts"]) assert.isTrue(rooms.has(expected), expected)
  })

  it("ops imports neither http nor overload", () => {
    assert.deepStrictEqual(violations(({ file, target }) => room(file) === "ops" && ["http", "overload"].includes(room(target))), [])
  })

  it("overload imports only ops (and itself)", () => {
    assert.deepStrictEqual(violations(({ file, target }) => room(file) === "overload" && !["overload", "ops"].includes(room(target))), [])
  })

  it("only Validator.ts and http/ see overload, and only through its one service", () => {
    assert.deepStrictEqual(
      violations(({ file, target }) => room(target) === "overload" && room(file) !== "overload" && !["Validator.ts", "http"].includes(room(file))),
      []
    )
    assert.deepStrictEqual(
      violations(({ file, target }) => room(target) === "overload" && room(file) !== "overload" && target !== "overload/Overload.ts"),
      []
    )
  })

  it("cli (flags and environment into settings) depends on none of the rooms that serve", () => {
    assert.deepStrictEqual(violations(({ file, target }) => room(file) === "cli" && ["http", "ops", "overload"].includes(room(target))), [])
  })

  it("the rules read real imports: every file's imports resolve to a source file", () => {
    const known = new Set(sources())
    assert.isAbove(edges.length, 50)
    assert.deepStrictEqual(
      edges.filter(({ target }) => !known.has(target)).map(({ file, target }) => `${file} -> ${target}`),
      []
    )
  })
})
