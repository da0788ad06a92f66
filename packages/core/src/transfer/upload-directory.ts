import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobHead } from '../blob/blob-store.js'
import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import { normalisePath } from '../paths/volume-path.js'
import { chargeWrite } from '../quota/quota-charges.js'
import { forEachConcurrent } from '../util/map-concurrent.js'
import { ensureDirectory } from '../volume/directories.js'
import { markerMetadata } from '../volume/entry-info-of.js'
import { walkObjects } from '../volume/tree-walk.js'
import { guardMutation, type VolumeContext } from '../volume/volume-context.js'
import { writeFile } from '../volume/write-file.js'
import { scanLocalTree, type LocalEntry } from './local-tree.js'
import { PrepaidQuota } from '../quota/prepaid-quota.js'
import { ProgressCounter, type TransferOptions, type TransferSummary } from './progress.js'

/** Files up to this size are read in one call; larger ones stream. */
const SMALL_FILE_BYTES = 1024 * 1024

/**
 * Uploads a local directory tree into the volume with bounded concurrency,
 * keeping each file's permission bits and modification time.
 *
 * One listing of the destination replaces the per-file checks of `writeFile`,
 * directories are created level by level in parallel before the files, and the
 * quota is reserved once for the whole upload (ENOSPC before anything is written
 * when it cannot fit), so each file costs one request.
 */
export async function uploadDirectory(context: VolumeContext, localDir: string, remoteDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const op = 'uploadDirectory'
  const root = normalisePath(remoteDir, op)
  await guardMutation(context, op, root)
  const tree = await scanLocalTree(localDir, options.signal)
  await ensureDirectory(context, root, {}, op)
  const existing = await existingObjects(context, root, options.signal)
  const remotePath = (relative: string): string => normalisePath(`${root}/${relative}`, op)

  const newDirectories = tree.directories.filter((directory) => {
    const path = remotePath(directory.relative)
    if (existing.objects.has(context.keys.fileKey(path, op))) throw new VolumeError('ENOTDIR', { op, path })
    return !existing.objects.has(context.keys.markerKey(path, op)!)
  })
  const growth = tree.files.reduce((sum, file) => sum + Math.max(0, file.stats.size - (existing.objects.get(context.keys.fileKey(remotePath(file.relative), op))?.size ?? 0)), 0)
  const newFiles = tree.files.filter((file) => !existing.objects.has(context.keys.fileKey(remotePath(file.relative), op))).length
  const prepaid = context.quota ? await PrepaidQuota.open(context.quota, op, root, growth, newFiles + newDirectories.length) : undefined
  const charged: VolumeContext = prepaid ? { ...context, quota: prepaid } : context
  try {
    for (const level of byDepth(newDirectories)) {
      await forEachConcurrent(level, options.concurrency ?? 16, (directory) => createMarker(charged, remotePath(directory.relative), directory.stats.mode & 0o7777, op, options.signal), options.signal)
    }
    const bytesTotal = tree.files.reduce((sum, file) => sum + file.stats.size, 0)
    const progress = new ProgressCounter(tree.files.length, bytesTotal, options.onProgress)
    await forEachConcurrent(tree.files, options.concurrency ?? 16, async (file) => {
      const path = remotePath(file.relative)
      const key = context.keys.fileKey(path, op)
      if (existing.directories.has(context.keys.childPrefix(path))) throw new VolumeError('EISDIR', { op, path })
      const source = join(localDir, file.relative)
      const data = file.stats.size <= SMALL_FILE_BYTES ? await readFile(source) : createReadStream(source)
      await writeFile(charged, path, data, { mode: file.stats.mode & 0o7777, mtime: file.stats.mtime, signal: options.signal }, { parentsKnown: true, existing: existing.objects.get(key) ?? null })
      progress.fileDone(path, file.stats.size)
    }, options.signal)
    return { files: tree.files.length, directories: tree.directories.length, bytes: progress.bytesDone, skipped: tree.skipped }
  } finally {
    await prepaid?.settle()
  }
}

/** Writes one directory marker; one created by someone else since the listing stays theirs. */
async function createMarker(context: VolumeContext, path: string, mode: number, op: string, signal: AbortSignal | undefined): Promise<void> {
  const key = context.keys.markerKey(path, op)!
  try {
    await chargeWrite(context, op, path, 0, 1, () => context.blobs.put(key, new Uint8Array(), {
      metadata: markerMetadata(context, { mode }),
      contentType: 'application/x-directory',
      signal,
      ...(context.blobs.capabilities.conditionalCreate ? { ifNoneMatch: '*' as const } : {}),
    }))
  } catch (error) {
    if (!isVolumeError(error, 'EPRECONDITION')) throw error
  }
}

/** Directories grouped by depth, parents' level first, so each level can be created in parallel. */
function byDepth(directories: readonly LocalEntry[]): LocalEntry[][] {
  const levels: LocalEntry[][] = []
  for (const directory of directories) (levels[directory.relative.split('/').length - 1] ??= []).push(directory)
  return levels.filter(Boolean)
}

/** What is already under the destination (metadata only): objects by key, and every directory prefix they imply. */
async function existingObjects(context: VolumeContext, root: string, signal?: AbortSignal): Promise<{ objects: Map<string, BlobHead>; directories: Set<string> }> {
  const objects = new Map<string, BlobHead>()
  const directories = new Set<string>()
  for await (const page of walkObjects(context, context.keys.childPrefix(root), signal)) {
    for (const object of page) {
      objects.set(object.key, object)
      for (let at = object.key.indexOf('/'); at !== -1; at = object.key.indexOf('/', at + 1)) directories.add(object.key.slice(0, at + 1))
    }
  }
  return { objects, directories }
}
