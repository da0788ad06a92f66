import type { BlobHead } from '../blob/blob-store.js'
import { collectBytes } from '../blob/body.js'
import { dateOf, decodeAttributes, encodeAttributes, nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo, EntryType, PosixAttributes } from '../metadata/entry-info.js'
import { baseName } from '../paths/volume-path.js'
import { metadataSymlinkTarget } from '../metadata/reader.js'
import { implicitDirectoryTime, withTimes } from './foreign-entries.js'
import type { VolumeContext } from './volume-context.js'

/** Builds the public info of an entry from its object head (or none, for an implicit directory). */
export function entryInfoOf(context: VolumeContext, path: string, kind: 'file' | 'directory', head: BlobHead | undefined, target?: string): EntryInfo {
  const attributes = decodeAttributes(head?.metadata, kind, head?.lastModified ?? new Date(0), context.defaults)
  return {
    name: baseName(path),
    type: attributes.type,
    path,
    size: kind === 'directory' ? 0 : (head?.size ?? 0),
    mode: attributes.mode,
    uid: attributes.uid,
    gid: attributes.gid,
    atime: dateOf(attributes.atimeNs),
    mtime: dateOf(attributes.mtimeNs),
    ctime: dateOf(attributes.ctimeNs),
    ...(attributes.type === 'symlink' ? { target } : {}),
  }
}

/** Like {@link entryInfoOf}, reading a symlink's target from its body, and dating an implicit directory by its newest child. */
export async function entryInfoWithTarget(context: VolumeContext, path: string, kind: 'file' | 'directory', head: BlobHead | undefined): Promise<EntryInfo> {
  const info = entryInfoOf(context, path, kind, head)
  if (!head && kind === 'directory') return withTimes(info, await implicitDirectoryTime(context, path))
  if (info.type !== 'symlink' || !head) return info
  const { body } = await context.blobs.get(head.key)
  return { ...info, target: symlinkTargetOf(new TextDecoder().decode(await collectBytes(body)), head.metadata) }
}

/** A symlink's target: its body, or (an older gcsfuse symlink, empty body) `gcsfuse_symlink_target`. */
export function symlinkTargetOf(body: string, metadata: BlobHead['metadata']): string {
  return body === '' ? (metadataSymlinkTarget(metadata) ?? '') : body
}

/** Ownership and permission choices a write may carry. */
export interface OwnershipOptions {
  readonly mode?: number | undefined
  readonly uid?: number | undefined
  readonly gid?: number | undefined
}

/**
 * Attributes for a new write at time `now`: explicit options first, then what the
 * entry already had (an overwrite keeps its mode and owner, as POSIX does), then defaults.
 */
export function attributesForWrite(context: VolumeContext, type: EntryType, options: OwnershipOptions, previous: BlobHead | undefined, now = nanosecondsOf()): PosixAttributes {
  const kind = type === 'directory' ? 'directory' : 'file'
  const before = previous ? decodeAttributes(previous.metadata, kind, previous.lastModified, context.defaults) : undefined
  return {
    type,
    mode: options.mode ?? before?.mode ?? (kind === 'directory' ? context.defaults.directoryMode : context.defaults.fileMode),
    uid: options.uid ?? before?.uid ?? context.defaults.uid,
    gid: options.gid ?? before?.gid ?? context.defaults.gid,
    atimeNs: now,
    mtimeNs: now,
    ctimeNs: now,
  }
}

/** Encodes attributes for a directory marker. */
export function markerMetadata(context: VolumeContext, options: OwnershipOptions, now = nanosecondsOf()): Record<string, string> {
  return encodeAttributes(attributesForWrite(context, 'directory', options, undefined, now))
}
