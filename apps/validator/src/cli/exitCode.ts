import { ValidationError } from "@effect/cli"
import type { Teardown } from "@effect/platform/Runtime"
import { Cause, Console, Effect, Exit, Option } from "effect"
import { UsageError } from "./settings.js"

const isUsage = (error: unknown): boolean => ValidationError.isValidationError(error) || error instanceof UsageError

const messageOf = (error: unknown): string =>
  error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
    ? String((error as { readonly message: unknown }).message)
    : String(error)

/**
 * Writes a failure's message to stderr (the CLI already explained its own parse errors).
 * Errors of this program never carry a token, so the message can be shown as is.
 */
export const reportFailure = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.tapError(self, (error) =>
    ValidationError.isValidationError(error) ? Effect.void : Console.error(`error: ${messageOf(error)}`)
  )

/** The exit codes of docs/validator.md, "Exit codes": 0 success (or a signal), 2 bad usage, 1 any other failure. */
export const exitCodeOf = <A, E>(exit: Exit.Exit<A, E>): 0 | 1 | 2 => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return 0
  return Option.match(Cause.failureOption(exit.cause), { onNone: () => 1, onSome: (e) => (isUsage(e) ? 2 : 1) })
}

/** `NodeRuntime.runMain`'s teardown with `exitCodeOf`. */
export const teardown: Teardown = (exit, onExit) => onExit(exitCodeOf(exit))
