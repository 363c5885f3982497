import { format } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Console, Effect, FastCheck as fc, Option } from "effect"
import { CliConsole } from "../src/index.js"

const ESC = "\u001b"
const styledHelp = [
  `${ESC}[0;1m${ESC}[0;37;1mgittensor-pat validator${ESC}[0;1m${ESC}[0m`,
  "",
  `${ESC}[0;1mUSAGE${ESC}[0m`,
  "",
  "$ serve [--port integer] [--host text]",
  ""
].join("\n")

/** A console that keeps what reaches stdout and stderr. */
const capturing = Effect.map(Effect.console, (base) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const keep = (into: Array<string>) => (...args: ReadonlyArray<unknown>) => Effect.sync(() => void into.push(format(...args)))
  const console: Console.Console = { ...base, log: keep(out), info: keep(out), warn: keep(err), error: keep(err) }
  return { console, out, err }
})

describe("CliConsole", () => {
  it("writes usage lines as typed: the subcommand after the program, the program alone as itself", () => {
    assert.strictEqual(CliConsole.asTyped("USAGE\n\n$ serve [--port integer]\n", "pnpm validator"), "USAGE\n\npnpm validator serve [--port integer]\n")
    assert.strictEqual(CliConsole.asTyped("USAGE\n\n$ validator\n", "pnpm validator"), "USAGE\n\npnpm validator\n")
    assert.strictEqual(CliConsole.asTyped("USAGE\n\n$ post --json", "pnpm miner"), "USAGE\n\npnpm miner post --json")
  })

  it("rewrites nothing outside a help document, even a line that starts like a usage line", () => {
    assert.strictEqual(CliConsole.asTyped("$ post --json", "pnpm miner"), "$ post --json")
  })

  it.prop("leaves every other line alone", [fc.array(fc.string().filter((line) => !line.includes("\n") && !line.startsWith("$ ")))], ([lines]) => {
    const text = lines.join("\n")
    assert.strictEqual(CliConsole.asTyped(text, "pnpm miner"), text)
  })

  it("plain when the stream is no terminal, or NO_COLOR is set to anything but empty", () => {
    assert.isTrue(CliConsole.wantsPlain(false, Option.none()))
    assert.isFalse(CliConsole.wantsPlain(true, Option.none()))
    assert.isTrue(CliConsole.wantsPlain(true, Option.some("1")))
    assert.isFalse(CliConsole.wantsPlain(true, Option.some("")))
  })

  it.effect("strips escapes from the streams that must be plain, and only from those", () =>
    Effect.gen(function* () {
      const { console, out, err } = yield* capturing
      const shown = CliConsole.presenting(console, { typed: "pnpm validator", plainOut: true, plainErr: false })
      yield* shown.log(styledHelp)
      yield* shown.error(`${ESC}[31m'x' is not a integer${ESC}[0m`)
      assert.deepStrictEqual(out, ["gittensor-pat validator\n\nUSAGE\n\npnpm validator serve [--port integer] [--host text]\n"])
      assert.deepStrictEqual(err, [`${ESC}[31m'x' is not a integer${ESC}[0m`])
    })
  )

  it.effect("withPresentation applies to everything the program writes (NO_COLOR set, so also on a terminal)", () =>
    Effect.gen(function* () {
      const { console, out, err } = yield* capturing
      yield* Effect.all([Console.log(styledHelp), Console.error(`${ESC}[1mbad${ESC}[0m`)]).pipe(
        CliConsole.withPresentation("pnpm validator"),
        Effect.withConsole(console),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["NO_COLOR", "1"]])))
      )
      assert.notInclude(out.join("") + err.join(""), ESC)
      assert.include(out.join(""), "\npnpm validator serve [--port integer]")
      assert.deepStrictEqual(err, ["bad"])
    })
  )
})
