import { PatBroadcastSynapse, PatCheckSynapse, type SynapseName } from "@gittensor-pat/axon"
import { Either, Schema } from "effect"
import { fastBroadcast, fastCheck } from "./fastDecode.js"
import { type Refusal, Refusals } from "./refusals.js"
import { wrongFields } from "./wrongFields.js"

/** A decoded synapse, tagged by its name. */
export type DecodedSynapse =
  | { readonly name: "PatBroadcastSynapse"; readonly synapse: PatBroadcastSynapse }
  | { readonly name: "PatCheckSynapse"; readonly synapse: PatCheckSynapse }

const decodeBroadcast = Schema.decodeUnknownEither(PatBroadcastSynapse)
const decodeCheck = Schema.decodeUnknownEither(PatCheckSynapse)

const schemaDecode = (name: SynapseName, json: unknown): Either.Either<DecodedSynapse, Refusal> =>
  Either.mapLeft(
    name === "PatBroadcastSynapse"
      ? Either.map(decodeBroadcast(json), (synapse): DecodedSynapse => ({ name, synapse }))
      : Either.map(decodeCheck(json), (synapse): DecodedSynapse => ({ name, synapse })),
    (error) => Refusals.badFields(wrongFields(error))
  )

// A well-formed body skips the schema's general machinery; anything else meets the schema.
const fastDecode = (name: SynapseName, json: unknown): DecodedSynapse | undefined => {
  if (name === "PatBroadcastSynapse") {
    const synapse = fastBroadcast(json)
    return synapse && { name, synapse }
  }
  const synapse = fastCheck(json)
  return synapse && { name, synapse }
}

const parseJson = (text: string): Either.Either<unknown, Refusal> =>
  Either.try({ try: () => JSON.parse(text) as unknown, catch: () => Refusals.malformedJson })

/** A synapse body: JSON (400 when malformed), then the synapse's fields (400 naming the wrong ones). */
export const decodeSynapse = (name: SynapseName, body: string): Either.Either<DecodedSynapse, Refusal> =>
  Either.flatMap(parseJson(body), (json) => {
    const fast = fastDecode(name, json)
    return fast === undefined ? schemaDecode(name, json) : Either.right(fast)
  })
