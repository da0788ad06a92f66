import { foreignKeys, formatRfc3339Nano, metadataKeys, parseTimestamp, readId, readMode, type BlobMetadata } from '@volumes/core'

export { formatRfc3339Nano, parseRfc3339Nano } from '@volumes/core'

/**
 * Metadata keys other GCS tools use for POSIX attributes: gcsfuse's `gcsfuse_mtime`
 * (RFC 3339 with nanoseconds) and the `goog-reserved-*` keys of gsutil / gcloud
 * (`posix-mode` in octal, ids in decimal, file times in whole seconds). Core's metadata
 * reader reads them; this adapter only writes them.
 */
export const gcsPosixKeys = {
  gcsfuseMtime: foreignKeys.gcsfuseMtime,
  mode: foreignKeys.googMode,
  uid: foreignKeys.googUid,
  gid: foreignKeys.googGid,
  fileMtime: foreignKeys.googFileMtime,
  fileAtime: foreignKeys.googFileAtime,
} as const

/**
 * The metadata to store for `metadata`: the same keys, plus the gcsfuse / gsutil keys
 * derived from each codec key that is present (`mode` → `goog-reserved-posix-mode` with the
 * setuid, setgid and sticky bits, and `goog-reserved-file-is-symlink: true` for a symlink, whose
 * target is its body as gcsfuse's standard symlinks; `uid`, `gid`, `mtime` → `gcsfuse_mtime`), so other GCS tools
 * see the same modes and times. A derived key always follows its codec key; a codec key that
 * does not parse drops it.
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
    const mode = readMode(value, 'file')
    return mode === undefined ? undefined : (mode.stMode & 0o7777).toString(8).padStart(3, '0')
  })
  derive(metadataKeys.mode, foreignKeys.googIsSymlink, (value) => {
    const mode = readMode(value, 'file')
    return mode !== undefined && (mode.stMode & 0o170000) === 0o120000 ? 'true' : undefined
  })
  derive(metadataKeys.uid, gcsPosixKeys.uid, (value) => readId(value)?.toString())
  derive(metadataKeys.gid, gcsPosixKeys.gid, (value) => readId(value)?.toString())
  derive(metadataKeys.mtime, gcsPosixKeys.gcsfuseMtime, (value) => {
    const ns = parseTimestamp(value)
    return ns === undefined ? undefined : formatRfc3339Nano(ns)
  })
  return out
}
