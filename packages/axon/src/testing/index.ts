export * from "./FakeAxon.js"
export * from "./nonceDigits.js"
