import { formatTimestamp, metadataKeys, parseTimestamp, type BlobMetadata } from '@volumes/core'

/**
 * Metadata keys other GCS tools use for POSIX attributes: gcsfuse's `gcsfuse_mtime`
 * (RFC 3339 with nanoseconds) and the `goog-reserved-*` keys of gsutil / gcloud
 * (`posix-mode` as three octal digits, ids in decimal, file times in whole seconds).
 */
export const gcsPosixKeys = {
  gcsfuseMtime: 'gcsfuse_mtime',
  mode: 'goog-reserved-posix-mode',
  uid: 'goog-reserved-posix-uid',
  gid: 'goog-reserved-posix-gid',
  fileMtime: 'goog-reserved-file-mtime',
  fileAtime: 'goog-reserved-file-atime',
} as const

const NS_PER_SECOND = 1_000_000_000n
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/** `2024-05-06T07:08:09.123456789Z` for nanoseconds since the epoch (always nine fraction digits, UTC). */
export function formatRfc3339Nano(ns: bigint): string {
  const seconds = ns / NS_PER_SECOND
  const fraction = (ns % NS_PER_SECOND).toString().padStart(9, '0')
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19)
  return `${whole}.${fraction}Z`
}

/** Nanoseconds since the epoch of an RFC 3339 time (any fraction length, any offset); `undefined` when malformed. */
export function parseRfc3339Nano(value: string | undefined): bigint | undefined {
  const match = value === undefined ? null : rfc3339.exec(value.trim())
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, fraction = '', , sign, offsetHours, offsetMinutes] = match
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second))
  if (Number.isNaN(ms) || ms < 0) return undefined
  const offsetSeconds = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60)
  const seconds = BigInt(ms / 1000 - offsetSeconds)
  if (seconds < 0n) return undefined
  return seconds * NS_PER_SECOND + BigInt(fraction.padEnd(9, '0'))
}

/**
 * The metadata to store for `metadata`: the same keys, plus the gcsfuse / gsutil keys
 * derived from each codec key that is present (`mode` → `goog-reserved-posix-mode`, `uid`,
 * `gid`, `mtime` → `gcsfuse_mtime`), so other GCS tools see the same modes and times.
 * A derived key always follows its codec key; a codec key that does not parse drops it.
 */
export function withPosixKeys(metadata: BlobMetadata): BlobMetadata {
  const out: Record<string, string> = { ...metadata }
  const derive = (codecKey: string, posixKey: string, convert: (value: string) => string | undefined): void => {
    const value = metadata[codecKey]
    if (value === undefined) return
    const converted = convert(value)
    if (converted === undefined) delete out[posixKey]
    else out[posixKey] = converted
  }
  derive(metadataKeys.mode, gcsPosixKeys.mode, (value) => {
    const mode = decimal(value)
    return mode === undefined ? undefined : (mode & 0o777).toString(8).padStart(3, '0')
  })
  derive(metadataKeys.uid, gcsPosixKeys.uid, (value) => decimal(value)?.toString())
  derive(metadataKeys.gid, gcsPosixKeys.gid, (value) => decimal(value)?.toString())
  derive(metadataKeys.mtime, gcsPosixKeys.gcsfuseMtime, (value) => {
    const ns = parseTimestamp(value)
    return ns === undefined ? undefined : formatRfc3339Nano(ns)
  })
  return out
}

/**
 * Metadata as read, plus codec keys derived from the gcsfuse / gsutil keys for each codec
 * key that is missing (objects written by gcsfuse, gsutil or gcloud). Our own keys win.
 */
export function withCodecKeys(metadata: BlobMetadata): BlobMetadata {
  const out: Record<string, string> = { ...metadata }
  const fill = (codecKey: string, value: string | undefined): void => {
    if (out[codecKey] === undefined && value !== undefined) out[codecKey] = value
  }
  const mode = metadata[gcsPosixKeys.mode]?.trim()
  if (mode !== undefined && /^[0-7]{3,7}$/.test(mode)) fill(metadataKeys.mode, String(Number.parseInt(mode, 8)))
  fill(metadataKeys.uid, decimal(metadata[gcsPosixKeys.uid])?.toString())
  fill(metadataKeys.gid, decimal(metadata[gcsPosixKeys.gid])?.toString())
  const mtime = parseRfc3339Nano(metadata[gcsPosixKeys.gcsfuseMtime]) ?? wholeSeconds(metadata[gcsPosixKeys.fileMtime])
  fill(metadataKeys.mtime, mtime === undefined ? undefined : formatTimestamp(mtime))
  const atime = wholeSeconds(metadata[gcsPosixKeys.fileAtime])
  fill(metadataKeys.atime, atime === undefined ? undefined : formatTimestamp(atime))
  return out
}

function decimal(value: string | undefined): number | undefined {
  const trimmed = value?.trim()
  if (trimmed === undefined || !/^\d{1,10}$/.test(trimmed)) return undefined
  const parsed = Number(trimmed)
  return parsed <= 0xffff_ffff ? parsed : undefined
}

function wholeSeconds(value: string | undefined): bigint | undefined {
  const trimmed = value?.trim()
  return trimmed !== undefined && /^\d{1,15}$/.test(trimmed) ? BigInt(trimmed) * NS_PER_SECOND : undefined
}
