import { randomBytes } from 'node:crypto'

/** Where snapshot records live: `.registry/snapshots/<snapshotId>` (JSON). */
export const SNAPSHOT_RECORDS = '.registry/snapshots/'
/** Where snapshot content lives: `.registry/snapshot-data/<snapshotId>/<path>`, beside the registry, outside every volume. */
export const SNAPSHOT_DATA = '.registry/snapshot-data/'

/** Snapshot ids: `snap-` and 20 lowercase base-32 characters (100 random bits). */
export const SNAPSHOT_ID_PATTERN = /^snap-[a-z2-7]{20}$/

/** A new random snapshot id. */
export function newSnapshotId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  return `snap-${Array.from(randomBytes(20), (byte) => alphabet[byte & 31]).join('')}`
}

/** The key prefix of a snapshot's content. */
export function snapshotDataPrefix(snapshotId: string): string {
  return `${SNAPSHOT_DATA}${snapshotId}/`
}

/** A snapshot: an immutable, point-in-time copy of one volume's files and attributes. */
export interface SnapshotInfo {
  readonly snapshotId: string
  /** The volume it was taken of (which may since have been destroyed, with `{ snapshots: 'keep' }`). */
  readonly volumeId: string
  /** The snapshot's own name, when one was given (not unique). */
  readonly name: string | undefined
  readonly createdAt: Date
  /** Files and symlinks (directories not counted). */
  readonly files: number
  /** Bytes of every file. */
  readonly bytes: number
  readonly labels: Readonly<Record<string, string>>
}

/** The JSON form of a snapshot record. */
export interface StoredSnapshotRecord {
  readonly snapshotId: string
  readonly volumeId: string
  /** The volume's name, size and labels when the snapshot was taken: what a fork starts from. */
  readonly volumeName: string
  readonly volumeSizeGb: number
  readonly volumeLabels: Record<string, string>
  readonly name?: string | undefined
  readonly labels: Record<string, string>
  readonly createdAt: string
  /** `creating` until every object is copied and checked; such records are invisible. */
  readonly state: 'creating' | 'ready'
  readonly files: number
  readonly bytes: number
  /** Objects other than the root marker (what the volume's quota counts). */
  readonly inodes: number
}

/** Parses a stored record. */
export function parseSnapshotRecord(json: string): StoredSnapshotRecord {
  const value = JSON.parse(json) as StoredSnapshotRecord
  if (typeof value.snapshotId !== 'string' || typeof value.volumeId !== 'string') throw new Error('not a snapshot record')
  return value
}

/** The public view of a stored record. */
export function toSnapshotInfo(record: StoredSnapshotRecord): SnapshotInfo {
  return {
    snapshotId: record.snapshotId,
    volumeId: record.volumeId,
    name: record.name,
    createdAt: new Date(record.createdAt),
    files: record.files,
    bytes: record.bytes,
    labels: { ...record.labels },
  }
}
