import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { forEachConcurrent, isVolumeError, normalisePath, VolumeError, type TransferOptions, type TransferSummary } from '@volumes/core'
import { scanLocalTree } from '@volumes/core'
import type { Volume } from './volume.js'

/** Files up to this size are read in one call; larger ones stream. */
const SMALL_FILE_BYTES = 1024 * 1024

/**
 * Uploads a local directory tree: walks it here, creates the directories level by
 * level (each level concurrently, keeping their permission bits), then writes the
 * files with at most `concurrency` (default 16) requests in flight, each with its
 * permission bits and modification time, reporting progress after each file.
 * Large files are streamed from disk as the request body.
 */
export async function uploadDirectory(volume: Volume, localDir: string, remoteDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const op = 'uploadDirectory'
  const root = normalisePath(remoteDir, op)
  const { signal } = options
  const concurrency = options.concurrency ?? 16
  const tree = await scanLocalTree(localDir, signal)
  const remotePath = (relative: string): string => normalisePath(`${root}/${relative}`, op)
  await makeDirectory(volume, root, undefined, signal)

  const levels = new Map<number, typeof tree.directories>()
  for (const directory of tree.directories) {
    const depth = directory.relative.split('/').length
    levels.set(depth, [...(levels.get(depth) ?? []), directory])
  }
  for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
    await forEachConcurrent(levels.get(depth)!, concurrency, (directory) => makeDirectory(volume, remotePath(directory.relative), directory.stats.mode & 0o7777, signal), signal)
  }

  const filesTotal = tree.files.length
  const bytesTotal = tree.files.reduce((sum, file) => sum + file.stats.size, 0)
  let filesDone = 0
  let bytesDone = 0
  await forEachConcurrent(tree.files, concurrency, async (file) => {
    const path = remotePath(file.relative)
    const source = join(localDir, file.relative)
    const data = file.stats.size <= SMALL_FILE_BYTES ? await readFile(source) : createReadStream(source)
    await volume.writeFile(path, data, { mode: file.stats.mode & 0o7777, mtime: file.stats.mtime, signal })
    filesDone++
    bytesDone += file.stats.size
    options.onProgress?.({ filesDone, filesTotal, bytesDone, bytesTotal, path })
  }, signal)

  return { files: filesTotal, directories: tree.directories.length, bytes: bytesDone, skipped: tree.skipped }
}

/** `mkdir -p` keeping an existing directory as it is; a file in the way is ENOTDIR, as the library reports it. */
async function makeDirectory(volume: Volume, path: string, mode: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  try {
    await volume.makeDir(path, { force: true, ...(mode === undefined ? {} : { mode }), signal })
  } catch (error) {
    if (isVolumeError(error, 'EEXIST')) throw new VolumeError('ENOTDIR', { op: 'uploadDirectory', path, cause: error })
    throw error
  }
}
