import type { BlobBody, BlobHead, BlobWriteConditions } from '../blob/blob-store.js'
import { collectBytes } from '../blob/body.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { encodeAttributes } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { parentPath } from '../paths/volume-path.js'
import { putFileCharged } from '../quota/quota-write.js'
import { attributesForWrite, entryInfoOf, symlinkTargetOf, type OwnershipOptions } from './entry-info-of.js'
import { requireDirectory, requireEntry, resolveEntry } from './entry-resolver.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Longest symlink target, in bytes (Linux `PATH_MAX` less its NUL). */
export const MAX_SYMLINK_TARGET_BYTES = 4095

/** Options of `symlink`: the link's owner (its mode is always 0777, as on Linux). */
export type SymlinkOptions = Omit<OwnershipOptions, 'mode'> & { readonly signal?: AbortSignal | undefined }

const encoder = new TextEncoder()

/**
 * Creates a symbolic link at `path` pointing to `target` (any string; it is not resolved),
 * stored as s3fs stores one: an object whose `mode` has the S_IFLNK type bits and whose
 * body is the target. EEXIST when anything is at `path`; ENOENT/ENOTDIR when its parent
 * is missing or a file (parents are not created, as symlink(2)); EINVAL for an empty
 * target or one with a NUL byte; ENAMETOOLONG past {@link MAX_SYMLINK_TARGET_BYTES}.
 */
export async function symlink(context: VolumeContext, target: string, path: string, options: SymlinkOptions = {}): Promise<EntryInfo> {
  const op = 'symlink'
  checkTarget(target, path, op)
  if (path === '/') throw new VolumeError('EEXIST', { op, path })
  const key = context.keys.fileKey(path, op)
  await guardMutation(context, op, path)
  const [existing] = await Promise.all([resolveEntry(context, path, op), requireDirectory(context, parentPath(path), op)])
  if (existing) throw new VolumeError('EEXIST', { op, path })
  const body = encoder.encode(target)
  const metadata = encodeAttributes({ ...attributesForWrite(context, 'symlink', options, undefined), mode: 0o777 })
  const conditional = context.blobs.capabilities.conditionalCreate
  const put = (payload: BlobBody, conditions: BlobWriteConditions): Promise<BlobHead> =>
    context.blobs.put(key, payload, { metadata, contentType: 'application/octet-stream', contentLength: body.byteLength, signal: options.signal, ...conditions })
  try {
    const head = context.quota
      ? await putFileCharged(context, context.quota, { key, path, op, body, contentLength: body.byteLength, existing: undefined, exclusive: conditional, put })
      : await put(body, conditional ? { ifNoneMatch: '*' } : {})
    return { ...entryInfoOf(context, path, 'file', head.metadata ? head : { ...head, metadata }), target }
  } catch (error) {
    if (isVolumeError(error, 'EPRECONDITION')) throw new VolumeError('EEXIST', { op, path, cause: error })
    throw error
  }
}

/** Reads a symlink's target. EINVAL when `path` is not a symlink; ENOENT/ENOTDIR when missing. */
export async function readlink(context: VolumeContext, path: string, signal?: AbortSignal): Promise<string> {
  const op = 'readlink'
  const entry = await requireEntry(context, path, op)
  if (entry.kind !== 'file' || entryInfoOf(context, path, 'file', entry.head).type !== 'symlink') {
    throw new VolumeError('EINVAL', { op, path, reason: 'NotASymlink', detail: 'not a symbolic link' })
  }
  const { body } = await context.blobs.get(entry.head.key, { signal })
  return symlinkTargetOf(new TextDecoder().decode(await collectBytes(body)), entry.head.metadata)
}

function checkTarget(target: string, path: string, op: string): void {
  if (typeof target !== 'string' || target.length === 0 || target.includes('\0')) {
    throw new VolumeError('EINVAL', { op, path, reason: 'InvalidSymlinkTarget', detail: 'a symlink target is a non-empty string without NUL bytes' })
  }
  if (encoder.encode(target).byteLength > MAX_SYMLINK_TARGET_BYTES) {
    throw new VolumeError('ENAMETOOLONG', { op, path, reason: 'InvalidSymlinkTarget', detail: `a symlink target has at most ${MAX_SYMLINK_TARGET_BYTES} bytes` })
  }
}
