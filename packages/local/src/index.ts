export { LocalBlobStore } from './local-blob-store.js'
export type { LocalBlobStoreOptions } from './config.js'
export { MAX_KEY_BYTES, MAX_SEGMENT_BYTES, RESERVED_NAME } from './key-rules.js'
