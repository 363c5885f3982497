export * from "./GitHubAnswer.js"
export * as GitHubHttp from "./GitHubHttp.js"
export * from "./identityAnswer.js"
export * from "./testQueryAnswer.js"
