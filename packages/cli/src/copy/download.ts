import { createWriteStream } from 'node:fs'
import { chmod, rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { baseName, VolumeError } from '@volumes/core'
import { formatLocation, type LocalLocation, type VolumeLocation } from '../address.js'
import type { CommandContext } from '../command.js'
import { formatBytes, plural } from '../format.js'
import { localTarget } from '../targets.js'
import { counted } from './counted.js'
import { noteSkipped, withProgress, type CopyOptions } from './copy-options.js'

/**
 * Copies a volume file to the local disk (streamed to a temporary file, then renamed
 * into place) or, with `recursive`, a volume directory (`downloadDirectory`).
 */
export async function downloadFromVolume(context: CommandContext, source: VolumeLocation, destination: LocalLocation, options: CopyOptions): Promise<void> {
  const volume = await context.volume(source.volume)
  const info = await volume.getInfo(source.path)
  if (info.type === 'directory' && !options.recursive) throw new VolumeError('EISDIR', { op: 'cp', path: source.path, detail: 'is a directory (use -r to copy it)' })
  const target = await localTarget(destination, context.localPath(destination.path), baseName(source.path), { intoDirectory: options.intoDirectory, createDirectory: true, op: 'cp' })
  await withProgress(context, options, async (progress) => {
    if (info.type === 'directory') {
      const summary = await volume.downloadDirectory(source.path, target, { onProgress: progress.onProgress, signal: context.signal, concurrency: options.concurrency })
      noteSkipped(context, summary.skipped)
      return `copied ${plural(summary.files, 'file')} and ${plural(summary.directories, 'directory', 'directories')} (${formatBytes(summary.bytes)}) from ${formatLocation(source)} to ${destination.path}`
    }
    const partial = `${target}.volumes-partial-${process.pid}`
    try {
      const body = await volume.createReadStream(source.path, { signal: context.signal })
      await pipeline(body, (chunks: AsyncIterable<Uint8Array>) => counted(chunks, info.size, source.path, progress.onProgress), createWriteStream(partial), context.signalOption)
      await chmod(partial, info.mode & 0o777)
      await rename(partial, target)
    } catch (error) {
      await rm(partial, { force: true })
      throw error
    }
    return `copied ${formatLocation(source)} to ${destination.path} (${formatBytes(info.size)})`
  })
}
