import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { VolumeError } from '@volumes/core'
import type { LocalLocation, VolumeLocation } from '../address.js'
import type { CommandContext } from '../command.js'
import { formatBytes, plural } from '../format.js'
import { localBaseName, volumeTarget } from '../targets.js'
import { counted } from './counted.js'
import { noteSkipped, withProgress, type CopyOptions } from './copy-options.js'

/**
 * Copies a local file (streamed into `writeFile`) or, with `recursive`, a local
 * directory (`uploadDirectory`, concurrent, with progress) into a volume.
 */
export async function uploadToVolume(context: CommandContext, source: LocalLocation, destination: VolumeLocation, options: CopyOptions): Promise<void> {
  const absolute = context.localPath(source.path)
  const stats = await stat(absolute)
  if (stats.isDirectory() && !options.recursive) throw new VolumeError('EISDIR', { op: 'cp', path: source.path, detail: 'is a directory (use -r to copy it)' })
  if (!stats.isDirectory() && !stats.isFile()) throw new VolumeError('EINVAL', { op: 'cp', path: source.path, detail: 'not a regular file or directory' })
  const volume = await context.volume(destination.volume)
  const target = await volumeTarget(volume, destination, localBaseName(source.path), { intoDirectory: options.intoDirectory, createDirectory: true, op: 'cp' })
  const where = `${destination.volume}:${target}`
  await withProgress(context, options, async (progress) => {
    if (stats.isDirectory()) {
      const summary = await volume.uploadDirectory(absolute, target, { onProgress: progress.onProgress, signal: context.signal, concurrency: options.concurrency })
      noteSkipped(context, summary.skipped)
      return `copied ${plural(summary.files, 'file')} and ${plural(summary.directories, 'directory', 'directories')} (${formatBytes(summary.bytes)}) from ${source.path} to ${where}`
    }
    const data = counted(createReadStream(absolute), stats.size, target, progress.onProgress)
    await volume.writeFile(target, data, { mode: stats.mode & 0o777, signal: context.signal })
    return `copied ${source.path} to ${where} (${formatBytes(stats.size)})`
  })
}
