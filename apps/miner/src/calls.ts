import type { HttpClient } from "@effect/platform"
import { type DendriteError, type Keypair, type SynapseFields, type SynapseName, callAxon } from "@gittensor-pat/axon"
import type { Neuron } from "@gittensor-pat/core"
import { Duration, Effect, Match, Option } from "effect"
import { Progress } from "./Progress.js"
import type { ResultRow } from "./report.js"
import type { Survey } from "./surveys.js"

/** One round of calls: who signs, whom to call, and how long to wait for each. */
export interface CallPlan {
  readonly keypair: Keypair
  readonly validators: ReadonlyArray<Neuron>
  readonly timeoutSeconds: number
}

/**
 * Beyond the dendrite's own timeout, a backstop so that no validator can hold the run
 * open, whatever happens inside the HTTP client.
 */
const backstop = Duration.seconds(2)

/** Why a validator gave no usable answer, short enough for a table cell. */
export const describeFailure: (error: DendriteError) => string = Match.typeTags<DendriteError, string>()({
  AxonTimeoutError: (e) => `no answer within ${e.timeoutSeconds} s`,
  AxonConnectionError: (e) => `could not connect: ${e.detail}`,
  AxonStatusError: (e) => `HTTP ${e.status}${e.statusMessage === undefined ? "" : `: ${e.statusMessage}`}`,
  AxonResponseError: (e) => `unreadable answer: ${e.detail}`
})

const callOne = <F, C extends string, N extends SynapseName>(
  survey: Survey<F, C, N>,
  plan: CallPlan,
  fields: SynapseFields[N],
  neuron: Neuron
): Effect.Effect<ResultRow<F, C>, never, HttpClient.HttpClient> => {
  const filed = (answer: Option.Option<F>, error: string | null): ResultRow<F, C> => ({
    uid: neuron.uid,
    hotkey: neuron.hotkey,
    answer: Option.getOrElse(answer, () => survey.unanswered),
    category: survey.categorize(answer),
    error
  })
  return callAxon({
    keypair: plan.keypair,
    target: { ip: neuron.axon.ip, port: neuron.axon.port, hotkey: neuron.hotkey },
    synapse: survey.synapse,
    fields,
    timeoutSeconds: plan.timeoutSeconds
  }).pipe(
    Effect.timeout(Duration.sum(Duration.seconds(plan.timeoutSeconds), backstop)),
    Effect.match({
      onFailure: (error) =>
        filed(
          Option.none(),
          error._tag === "TimeoutException"
            ? `no answer within ${plan.timeoutSeconds} s`
            : describeFailure(error)
        ),
      onSuccess: (response) => filed(Option.some(survey.fieldsOf(response)), null)
    })
  )
}

/**
 * Calls every validator of the plan at once, showing progress on stderr under `label`
 * (by default what the survey does); rows in uid order.
 */
export const callValidators = Effect.fn("miner.callValidators")(function* <
  F,
  C extends string,
  N extends SynapseName
>(survey: Survey<F, C, N>, plan: CallPlan, fields: SynapseFields[N], label?: string) {
  const progress = yield* Progress
  const tracker = yield* progress.track(
    plan.validators.length,
    label ?? (survey.command === "post" ? "Posting the PAT" : "Checking the PAT")
  )
  const rows = yield* Effect.forEach(
    plan.validators,
    (neuron) =>
      callOne(survey, plan, fields, neuron).pipe(
        Effect.tap((row) => tracker.advance(`uid ${row.uid}: ${row.category}`))
      ),
    { concurrency: "unbounded" }
  )
  yield* tracker.finish
  return rows
})
