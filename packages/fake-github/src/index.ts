export * from "./fakeControl.js"
export * as FakeGitHub from "./FakeGitHub.js"
export * from "./FakeGitHubServer.js"
export * from "./fakeScript.js"
