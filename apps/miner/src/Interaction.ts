import { Prompt } from "@effect/cli"
import { Context, Effect, Layer, Option, type Redacted } from "effect"

/**
 * Questions for the person at the keyboard. Each answers `None` when nobody can be asked
 * (stdin is not a terminal, or they pressed Ctrl-C), so callers decide what that means.
 */
export class Interaction extends Context.Tag("@gittensor-pat/miner/Interaction")<
  Interaction,
  {
    /** The PAT, typed without echo. */
    readonly askPat: Effect.Effect<Option.Option<Redacted.Redacted>>
    /** A yes/no question whose default is no. */
    readonly confirm: (question: string) => Effect.Effect<Option.Option<boolean>>
  }
>() {}

/** Nobody to ask: every question goes unanswered. */
export const unattended: Interaction["Type"] = {
  askPat: Effect.succeedNone,
  confirm: () => Effect.succeedNone
}

/** Prompts on the terminal. */
export const prompts = (environment: Context.Context<Prompt.Prompt.Environment>): Interaction["Type"] => {
  const ask = <A>(prompt: Prompt.Prompt<A>) =>
    Prompt.run(prompt).pipe(Effect.option, Effect.provide(environment))
  return {
    askPat: ask(Prompt.hidden({ message: "GitHub personal access token (input hidden)" })),
    confirm: (question) => ask(Prompt.confirm({ message: question, initial: false }))
  }
}

/** Prompts when stdin is a terminal, unattended otherwise. */
export const layerNode: Layer.Layer<Interaction, never, Prompt.Prompt.Environment> = Layer.effect(
  Interaction,
  Effect.map(Effect.context<Prompt.Prompt.Environment>(), (environment) =>
    process.stdin.isTTY ? prompts(environment) : unattended
  )
)

/** Fixed answers, for tests of the interactive paths. */
export const layerScripted = (answers: {
  readonly pat?: Redacted.Redacted
  readonly confirm?: boolean
}): Layer.Layer<Interaction> =>
  Layer.succeed(Interaction, {
    askPat: Effect.succeed(Option.fromNullable(answers.pat)),
    confirm: () => Effect.succeed(Option.fromNullable(answers.confirm))
  })
