export * from "./InMemoryPatStore.js"
export * from "./ScriptedGitHub.js"
export * from "./StaticMetagraph.js"
