/** A volume as the registry records it: what `list()` and `getInfo()` return. */
export interface VolumeInfo {
  readonly volumeId: string
  readonly name: string
  /** Size limit in GB (10^9 bytes). */
  readonly sizeGb: number
  readonly region: string
  readonly createdAt: Date
  readonly labels: Readonly<Record<string, string>>
}

/** The JSON form of a record in the bucket. */
export interface StoredVolumeRecord {
  readonly volumeId: string
  readonly name: string
  readonly sizeGb: number
  readonly region: string
  readonly createdAt: string
  readonly labels: Record<string, string>
  /** Lowest fencing token a lease manager may grant next (raised by lease managers that can lose state). */
  readonly tokenFloor?: number
  /** Set by `destroy` before it deletes anything: the volume is gone for every caller, and a retried destroy finishes it. */
  readonly destroying?: boolean
}

/** Parses a stored record, tolerating unknown fields written by newer versions. */
export function parseVolumeRecord(json: string): StoredVolumeRecord {
  const value = JSON.parse(json) as StoredVolumeRecord
  if (typeof value.volumeId !== 'string' || typeof value.name !== 'string') throw new Error('not a volume record')
  return value
}

/** The public view of a stored record. */
export function toVolumeInfo(record: StoredVolumeRecord): VolumeInfo {
  return {
    volumeId: record.volumeId,
    name: record.name,
    sizeGb: record.sizeGb,
    region: record.region,
    createdAt: new Date(record.createdAt),
    labels: { ...record.labels },
  }
}
