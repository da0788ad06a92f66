import type { BlobBody, BlobHead, BlobWriteConditions } from '../blob/blob-store.js'
import { normaliseBody, type WriteData } from '../blob/body.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { encodeAttributes, nanosecondsOf } from '../metadata/codec.js'
import type { EntryInfo } from '../metadata/entry-info.js'
import { parentPath } from '../paths/volume-path.js'
import { putFileCharged } from '../quota/quota-write.js'
import { ensureDirectory } from './directories.js'
import { attributesForWrite, entryInfoOf, type OwnershipOptions } from './entry-info-of.js'
import { guardMutation, type VolumeContext } from './volume-context.js'

/** Options of `writeFile`. */
export interface WriteFileOptions extends OwnershipOptions {
  /** Fail with EEXIST if the file exists, atomically (a conditional write). */
  readonly exclusive?: boolean | undefined
  /** MIME type stored with the object. Default `application/octet-stream`. */
  readonly contentType?: string | undefined
  /** Modification time to record instead of now (as `touch -d` or `cp -p` would). */
  readonly mtime?: Date | undefined
  readonly signal?: AbortSignal | undefined
}

/** Internal knobs for bulk writers that have already prepared the tree. */
export interface WriteFilePlan {
  /** The parent directories are known to exist. */
  readonly parentsKnown?: boolean
  /** What is at the path now, when the caller already listed it (`null`: nothing). */
  readonly existing?: BlobHead | null
}

/**
 * Writes a whole file atomically: readers see the old content or the new, never a part.
 * Creates missing parents; keeps an overwritten file's mode and owner unless given.
 * With a quota, the write is charged before it happens (ENOSPC, nothing written, when
 * it does not fit) and made conditional on the file it replaces: see `putFileCharged`.
 */
export async function writeFile(context: VolumeContext, path: string, data: WriteData, options: WriteFileOptions = {}, plan: WriteFilePlan = {}): Promise<EntryInfo> {
  const op = 'writeFile'
  if (path === '/') throw new VolumeError('EISDIR', { op, path })
  const key = context.keys.fileKey(path, op)
  await guardMutation(context, op, path)
  if (options.exclusive && !context.blobs.capabilities.conditionalCreate) {
    throw new VolumeError('ENOTSUP', { op, path, reason: 'NoConditionalWrites', detail: 'exclusive writes need conditional writes, which this backend lacks' })
  }
  const existing = plan.existing !== undefined ? (plan.existing ?? undefined) : await inspectTarget(context, path, key, op, plan.parentsKnown === true)
  if (existing && options.exclusive) throw new VolumeError('EEXIST', { op, path })
  const { body, contentLength } = normaliseBody(data)
  const attributes = attributesForWrite(context, 'file', options, existing)
  const mtimeNs = options.mtime ? nanosecondsOf(options.mtime) : attributes.mtimeNs
  const metadata = encodeAttributes({ ...attributes, mtimeNs, atimeNs: mtimeNs })
  const put = (payload: BlobBody, conditions: BlobWriteConditions): Promise<BlobHead> => context.blobs.put(key, payload, {
    metadata,
    contentType: options.contentType ?? 'application/octet-stream',
    contentLength,
    signal: options.signal,
    ...conditions,
  })
  try {
    const head = context.quota
      ? await putFileCharged(context, context.quota, { key, path, op, body, contentLength, existing, exclusive: options.exclusive === true, put })
      : await put(body, options.exclusive ? { ifNoneMatch: '*' } : {})
    return entryInfoOf(context, path, 'file', head.metadata ? head : { ...head, metadata })
  } catch (error) {
    if (options.exclusive && isVolumeError(error, 'EPRECONDITION')) throw new VolumeError('EEXIST', { op, path, cause: error })
    throw error
  }
}

/**
 * Checks that `path` can hold a file: it is not a directory (EISDIR) and its
 * parents are directories (created when missing; ENOTDIR when one is a file).
 * Returns the current file's head, if any. Requests run in parallel.
 */
async function inspectTarget(context: VolumeContext, path: string, key: string, op: string, parentsKnown: boolean): Promise<BlobHead | undefined> {
  const [head, children, parents] = await Promise.all([
    context.blobs.head(key),
    context.blobs.list(context.keys.childPrefix(path), { limit: 1 }),
    parentsKnown ? undefined : ensureDirectory(context, parentPath(path), {}, op).then(() => undefined, (error: unknown) => error),
  ])
  if (!head && (children.objects.length > 0 || children.prefixes.length > 0)) throw new VolumeError('EISDIR', { op, path })
  if (parents) throw parents
  return head
}
