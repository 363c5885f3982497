export * from "./FakeAxon.js"
