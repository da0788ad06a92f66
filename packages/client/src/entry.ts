import { VolumeError, type EntryInfo, type EntryType, type VolumeInfo } from '@volumes/core'

/** An {@link EntryInfo} as the server sends it: times as ISO strings. */
export interface EntryInfoJson {
  readonly name: string
  readonly type: EntryType
  readonly path: string
  readonly size: number
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly atime: string
  readonly mtime: string
  readonly ctime: string
  readonly target?: string | undefined
}

/** A {@link VolumeInfo} as the server sends it: `createdAt` as an ISO string. */
export interface VolumeInfoJson {
  readonly volumeId: string
  readonly name: string
  readonly sizeGb: number
  readonly region: string
  readonly createdAt: string
  readonly labels?: Readonly<Record<string, string>> | undefined
}

const badResponse = (op: string, what: string): VolumeError =>
  new VolumeError('EIO', { op, reason: 'BadResponse', detail: `the server sent ${what}` })

/** Parses an ISO time; EIO (reason `BadResponse`) when it is not one. */
export function dateFromJson(value: unknown, op: string, field: string): Date {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(Number.NaN)
  if (Number.isNaN(date.getTime())) throw badResponse(op, `an invalid ${field} (${JSON.stringify(value)})`)
  return date
}

/** JSON from the server → {@link EntryInfo}, with `Date` times, exactly as the library returns it. */
export function entryFromJson(json: unknown, op: string): EntryInfo {
  if (typeof json !== 'object' || json === null || typeof (json as EntryInfoJson).path !== 'string') throw badResponse(op, 'an entry without a path')
  const raw = json as EntryInfoJson
  return {
    name: raw.name,
    type: raw.type,
    path: raw.path,
    size: raw.size,
    mode: raw.mode,
    uid: raw.uid,
    gid: raw.gid,
    atime: dateFromJson(raw.atime, op, 'atime'),
    mtime: dateFromJson(raw.mtime, op, 'mtime'),
    ctime: dateFromJson(raw.ctime, op, 'ctime'),
    ...(raw.type === 'symlink' ? { target: raw.target } : {}),
  }
}

/** A JSON array of entries → {@link EntryInfo}[]. */
export function entriesFromJson(json: unknown, op: string): EntryInfo[] {
  if (!Array.isArray(json)) throw badResponse(op, 'a listing that is not an array')
  return json.map((item) => entryFromJson(item, op))
}

/** JSON from the server → {@link VolumeInfo} with a `Date` for `createdAt`. */
export function volumeInfoFromJson(json: unknown, op: string): VolumeInfo {
  if (typeof json !== 'object' || json === null || typeof (json as VolumeInfoJson).volumeId !== 'string') throw badResponse(op, 'a volume without a volumeId')
  const raw = json as VolumeInfoJson
  return {
    volumeId: raw.volumeId,
    name: raw.name,
    sizeGb: raw.sizeGb,
    region: raw.region,
    createdAt: dateFromJson(raw.createdAt, op, 'createdAt'),
    labels: { ...raw.labels },
  }
}

/** A JSON array of volumes → {@link VolumeInfo}[]. */
export function volumeInfosFromJson(json: unknown, op: string): VolumeInfo[] {
  if (!Array.isArray(json)) throw badResponse(op, 'a volume list that is not an array')
  return json.map((item) => volumeInfoFromJson(item, op))
}
