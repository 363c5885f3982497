import { parseArgs } from "node:util"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Option } from "effect"
import { networkFacts } from "../networks.js"
import { startFakeSubtensor } from "./FakeSubtensor.js"
import { callKey, loadRecording, recordedResponder } from "./recordedChain.js"

// A fake finney node serving the recorded block (netuid 1, 1,024 neurons) for another
// process to read, so that a measurement of the reader does not share its thread with the
// node: prints its URL on the first line of stdout, then serves until SIGINT or SIGTERM.
const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } })
const genesis = new Map([[callKey("chain_getBlockHash", [0]), { result: Option.getOrThrow(networkFacts.finney.genesisHash) }]])

Effect.gen(function* () {
  const node = yield* startFakeSubtensor(recordedResponder(yield* loadRecording, genesis), Number(values.port))
  yield* Console.log(node.url)
  return yield* Effect.never
}).pipe(Effect.scoped, Effect.provide(NodeContext.layer), NodeRuntime.runMain)
