export { SNAPSHOT_ID_PATTERN, type SnapshotInfo } from './snapshot-record.js'
export type { ForkOptions, RestoreOptions, SnapshotOptions } from './snapshot-service.js'
