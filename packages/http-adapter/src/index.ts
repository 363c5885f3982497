export type { GitHubAnswer, GitHubFailure } from "./GitHubAnswer.js"
export * as GitHubHttp from "./GitHubHttp.js"
export { classifyIdentity, identityRefused } from "./identityAnswer.js"
export { classifyTestQuery, testQueryBody } from "./testQueryAnswer.js"
