/** The JSON-file `PatStore` (CONTRACT §7). */
export * as JsonFilePatStore from "./JsonFilePatStore.js"
export { StoreLockedError } from "./writerLock.js"
