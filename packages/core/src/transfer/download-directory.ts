import { createWriteStream } from 'node:fs'
import { chmod, mkdir, rename, rm, utimes } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { BlobHead } from '../blob/blob-store.js'
import { dateOf, decodeAttributes } from '../metadata/codec.js'
import { normalisePath } from '../paths/volume-path.js'
import { forEachConcurrent } from '../util/map-concurrent.js'
import { requireDirectory } from '../volume/entry-resolver.js'
import { walkObjects } from '../volume/tree-walk.js'
import type { VolumeContext } from '../volume/volume-context.js'
import { ProgressCounter, type TransferOptions, type TransferSummary } from './progress.js'

/**
 * Downloads a volume directory into a local directory with bounded concurrency,
 * streaming each file to a temporary name and renaming it into place, then
 * applying the stored permission bits and modification time.
 *
 * Keys that cannot be safe local paths (foreign data with `..` or empty names)
 * are skipped and reported, never written outside `localDir`.
 */
export async function downloadDirectory(context: VolumeContext, remoteDir: string, localDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const op = 'downloadDirectory'
  const root = normalisePath(remoteDir, op)
  await requireDirectory(context, root, op)
  const prefix = context.keys.childPrefix(root)
  const files: { relative: string; head: BlobHead }[] = []
  const directories: { relative: string; head: BlobHead }[] = []
  const skipped: { path: string; reason: string }[] = []
  for await (const page of walkObjects(context, prefix, options.signal)) {
    for (const object of page) {
      const raw = object.key.slice(prefix.length)
      const relative = safeRelative(raw.replace(/\/$/, ''))
      if (relative === undefined) skipped.push({ path: raw, reason: 'not a valid path' })
      else if (relative !== '') (object.key.endsWith('/') ? directories : files).push({ relative, head: object })
    }
  }
  await mkdir(localDir, { recursive: true })
  for (const directory of directories) await mkdir(join(localDir, directory.relative), { recursive: true })

  const progress = new ProgressCounter(files.length, files.reduce((sum, file) => sum + file.head.size, 0), options.onProgress)
  await forEachConcurrent(files, options.concurrency ?? 16, async ({ relative, head }) => {
    const target = join(localDir, relative)
    const temporary = `${target}.volumes-partial`
    await mkdir(dirname(target), { recursive: true })
    const { head: current, body } = await context.blobs.get(head.key, { signal: options.signal })
    try {
      await pipeline(body, createWriteStream(temporary), options.signal ? { signal: options.signal } : {})
      await rename(temporary, target)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
    const attributes = decodeAttributes(current.metadata, 'file', current.lastModified, context.defaults)
    await chmod(target, attributes.mode & 0o777)
    await utimes(target, dateOf(attributes.atimeNs), dateOf(attributes.mtimeNs))
    progress.fileDone(`${root === '/' ? '' : root}/${relative}`, current.size)
  }, options.signal)

  for (const directory of directories.reverse()) {
    const attributes = decodeAttributes(directory.head.metadata, 'directory', directory.head.lastModified, context.defaults)
    await chmod(join(localDir, directory.relative), attributes.mode & 0o777)
  }
  return { files: files.length, directories: directories.length, bytes: progress.bytesDone, skipped }
}

/** A relative POSIX path that stays inside its root, or undefined. */
function safeRelative(relative: string): string | undefined {
  if (relative === '') return ''
  if (relative.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined
  try {
    return normalisePath(`/${relative}`, 'downloadDirectory').slice(1)
  } catch {
    return undefined
  }
}
