import { parseArgs } from "node:util"
import { startFakeGitHub } from "./FakeGitHubServer.js"

// A fake GitHub for another process to use: prints its URL on the first line of stdout,
// then is scripted over `/__fake/*` (see `remoteFakeGitHub`) until SIGINT or SIGTERM.
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    latency: { type: "string", default: "0" },
    allow: { type: "string", multiple: true, default: [] }
  }
})

const server = await startFakeGitHub({ port: Number(values.port) })
server.setLatency(Number(values.latency))
// `--allow token:id:login` lets a token through without a control call.
for (const spec of values.allow) {
  const [token = "", id = "1", login = "octocat"] = spec.split(":")
  server.allow(token, { id: Number(id), login })
}
console.log(server.url)

const stop = () => void server.close().then(() => process.exit(0))
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
