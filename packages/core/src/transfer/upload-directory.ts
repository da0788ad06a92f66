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
import { scanLocalTree } from './local-tree.js'
import { ProgressCounter, type TransferOptions, type TransferSummary } from './progress.js'

/** Files up to this size are read in one call; larger ones stream. */
const SMALL_FILE_BYTES = 1024 * 1024

/**
 * Uploads a local directory tree into the volume with bounded concurrency,
 * keeping each file's permission bits and modification time.
 *
 * One listing of the destination replaces the per-file checks of `writeFile`,
 * and parents are created before the files, so each file costs one request.
 */
export async function uploadDirectory(context: VolumeContext, localDir: string, remoteDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const op = 'uploadDirectory'
  const root = normalisePath(remoteDir, op)
  await guardMutation(context, op, root)
  const tree = await scanLocalTree(localDir, options.signal)
  await ensureDirectory(context, root, {}, op)
  const existing = await existingObjects(context, root, options.signal)
  const remotePath = (relative: string): string => normalisePath(`${root}/${relative}`, op)

  for (const directory of tree.directories) {
    const path = remotePath(directory.relative)
    const key = context.keys.markerKey(path, op)!
    if (existing.objects.has(context.keys.fileKey(path, op))) throw new VolumeError('ENOTDIR', { op, path })
    if (existing.objects.has(key)) continue
    try {
      await chargeWrite(context, op, path, 0, 1, () => context.blobs.put(key, new Uint8Array(), {
        metadata: markerMetadata(context, { mode: directory.stats.mode & 0o7777 }),
        contentType: 'application/x-directory',
        signal: options.signal,
        ...(context.blobs.capabilities.conditionalCreate ? { ifNoneMatch: '*' as const } : {}),
      }))
    } catch (error) {
      // Created by someone else since the listing: theirs stays.
      if (!isVolumeError(error, 'EPRECONDITION')) throw error
    }
  }

  const bytesTotal = tree.files.reduce((sum, file) => sum + file.stats.size, 0)
  const progress = new ProgressCounter(tree.files.length, bytesTotal, options.onProgress)
  await forEachConcurrent(tree.files, options.concurrency ?? 16, async (file) => {
    const path = remotePath(file.relative)
    const key = context.keys.fileKey(path, op)
    if (existing.directories.has(context.keys.childPrefix(path))) throw new VolumeError('EISDIR', { op, path })
    const source = join(localDir, file.relative)
    const data = file.stats.size <= SMALL_FILE_BYTES ? await readFile(source) : createReadStream(source)
    await writeFile(context, path, data, { mode: file.stats.mode & 0o7777, mtime: file.stats.mtime, signal: options.signal }, { parentsKnown: true, existing: existing.objects.get(key) ?? null })
    progress.fileDone(path, file.stats.size)
  }, options.signal)

  return { files: tree.files.length, directories: tree.directories.length, bytes: progress.bytesDone, skipped: tree.skipped }
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
