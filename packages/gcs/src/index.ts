export { GcsBlobStore } from './gcs-blob-store.js'
export { createStorage, GCS_MAX_NAME_BYTES, type GcsBlobStoreOptions } from './config.js'
export { toVolumeError as gcsErrorToVolumeError } from './errors.js'
export { formatRfc3339Nano, gcsPosixKeys, parseRfc3339Nano, withPosixKeys } from './posix-keys.js'
