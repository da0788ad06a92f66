import { createWriteStream } from 'node:fs'
import { chmod, mkdir, rename, rm, utimes } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import { forEachConcurrent, MAX_LIST_DEPTH, normalisePath, type EntryInfo, type TransferOptions, type TransferSummary } from '@volumes/core'
import type { Volume } from './volume.js'

/**
 * Downloads a volume directory: lists it (as deep as it goes, `MAX_LIST_DEPTH` levels
 * per request), then streams each file to a temporary name with at most `concurrency`
 * (default 16) in flight, renames it into place and applies its permission bits and
 * times. Entries that cannot be safe local paths, and symlinks, are skipped and reported.
 */
export async function downloadDirectory(volume: Volume, remoteDir: string, localDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const op = 'downloadDirectory'
  const root = normalisePath(remoteDir, op)
  const { signal } = options
  const prefix = root === '/' ? '/' : `${root}/`
  const files: { relative: string; entry: EntryInfo }[] = []
  const directories: { relative: string; entry: EntryInfo }[] = []
  const skipped: { path: string; reason: string }[] = []
  for (const entry of await listTree(volume, root, signal)) {
    const relative = entry.path.startsWith(prefix) ? safeRelative(entry.path.slice(prefix.length)) : undefined
    if (relative === undefined) skipped.push({ path: entry.path, reason: 'not a valid path' })
    else if (entry.type === 'symlink') skipped.push({ path: entry.path, reason: 'symbolic link' })
    else (entry.type === 'directory' ? directories : files).push({ relative, entry })
  }
  await mkdir(localDir, { recursive: true })
  for (const directory of directories) await mkdir(join(localDir, directory.relative), { recursive: true })

  const filesTotal = files.length
  const bytesTotal = files.reduce((sum, file) => sum + file.entry.size, 0)
  let filesDone = 0
  let bytesDone = 0
  await forEachConcurrent(files, options.concurrency ?? 16, async ({ relative, entry }) => {
    const target = join(localDir, relative)
    const temporary = `${target}.volumes-partial`
    await mkdir(dirname(target), { recursive: true })
    const stream = await volume.readFile(entry.path, { format: 'stream', signal })
    const source = Readable.fromWeb(stream as NodeWebStream<Uint8Array>)
    let bytes = 0
    source.on('data', (chunk: Uint8Array) => (bytes += chunk.byteLength))
    try {
      await pipeline(source, createWriteStream(temporary), signal ? { signal } : {})
      await rename(temporary, target)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
    await chmod(target, entry.mode & 0o777)
    await utimes(target, entry.atime, entry.mtime)
    filesDone++
    bytesDone += bytes
    options.onProgress?.({ filesDone, filesTotal, bytesDone, bytesTotal, path: entry.path })
  }, signal)

  for (const directory of directories.reverse()) await chmod(join(localDir, directory.relative), directory.entry.mode & 0o777)
  return { files: filesTotal, directories: directories.length, bytes: bytesDone, skipped }
}

/** Every entry under `root`, parents before children: listings `MAX_LIST_DEPTH` deep, continued below their deepest directories. */
async function listTree(volume: Volume, root: string, signal: AbortSignal | undefined): Promise<EntryInfo[]> {
  const entries = await volume.list(root, { depth: MAX_LIST_DEPTH, signal })
  const rootDepth = root === '/' ? 0 : root.split('/').length - 1
  const out: EntryInfo[] = []
  for (const entry of entries) {
    out.push(entry)
    if (entry.type === 'directory' && entry.path.split('/').length - 1 - rootDepth === MAX_LIST_DEPTH) out.push(...(await listTree(volume, entry.path, signal)))
  }
  return out
}

/** A relative POSIX path that stays inside its root, or undefined. */
function safeRelative(relative: string): string | undefined {
  if (relative === '' || relative.split('/').some((part) => part === '' || part === '.' || part === '..' || part.includes('\0'))) return undefined
  return relative
}
