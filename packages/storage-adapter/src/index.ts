/** The JSON-file `PatStore` (docs/store.md). */
export * as JsonFilePatStore from "./JsonFilePatStore.js"
export { type SaveFailure, type StoreHealth, StoreStatus } from "./StoreStatus.js"
export { StoreLockedError } from "./writerLock.js"
