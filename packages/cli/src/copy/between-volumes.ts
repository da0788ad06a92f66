import { baseName, forEachConcurrent, joinPath, VolumeError, type EntryInfo, type TransferProgress, type Volume } from '@volumes/core'
import { formatLocation, type VolumeLocation } from '../address.js'
import type { CommandContext } from '../command.js'
import { formatBytes, plural } from '../format.js'
import { volumeTarget } from '../targets.js'
import { counted } from './counted.js'
import { withProgress, type CopyOptions } from './copy-options.js'

/**
 * Copies a file or (recursive) a directory from one volume path to another: on the
 * server with `Volume.copy` within one volume, streamed through this process between two.
 */
export async function copyBetweenVolumes(context: CommandContext, source: VolumeLocation, destination: VolumeLocation, options: CopyOptions): Promise<void> {
  const from = await context.volume(source.volume)
  const to = await context.volume(destination.volume)
  const info = await from.getInfo(source.path)
  if (info.type === 'directory' && !options.recursive) throw new VolumeError('EISDIR', { op: 'cp', path: source.path, detail: 'is a directory (use -r to copy it)' })
  const target = await volumeTarget(to, destination, baseName(source.path), { intoDirectory: options.intoDirectory, createDirectory: true, op: 'cp' })
  const where = `${destination.volume}:${target}`
  await withProgress(context, options, async (progress) => {
    if (from.volumeId === to.volumeId) {
      await to.copy(source.path, target, { recursive: options.recursive, signal: context.signal })
      return `copied ${formatLocation(source)} to ${where}`
    }
    if (info.type !== 'directory') {
      await copyFile(context, from, info, to, target, progress.onProgress)
      return `copied ${formatLocation(source)} to ${where} (${formatBytes(info.size)})`
    }
    const tree = await walk(from, info, context.signal)
    const mapped = (path: string): string => (path === source.path ? target : joinPath(target, path.slice(source.path === '/' ? 1 : source.path.length + 1)))
    for (const directory of tree.directories) await to.makeDir(mapped(directory.path), { force: true, mode: directory.mode, uid: directory.uid, gid: directory.gid })
    const bytesTotal = tree.files.reduce((sum, file) => sum + file.size, 0)
    let filesDone = 0
    let bytesDone = 0
    await forEachConcurrent(tree.files, options.concurrency ?? 8, async (file) => {
      await copyFile(context, from, file, to, mapped(file.path), () => undefined)
      filesDone++
      bytesDone += file.size
      progress.onProgress({ filesDone, filesTotal: tree.files.length, bytesDone, bytesTotal, path: file.path })
    }, context.signal)
    for (const skipped of tree.skipped) context.note(`volumes: skipped ${formatLocation(source)}${skipped}: symlinks are not copied between volumes`)
    return `copied ${plural(tree.files.length, 'file')} and ${plural(tree.directories.length - 1, 'directory', 'directories')} (${formatBytes(bytesDone)}) from ${formatLocation(source)} to ${where}`
  })
}

async function copyFile(context: CommandContext, from: Volume, file: EntryInfo, to: Volume, target: string, onProgress: (progress: TransferProgress) => void): Promise<void> {
  const body = await from.createReadStream(file.path, { signal: context.signal })
  await to.writeFile(target, counted(body, file.size, file.path, onProgress), { mode: file.mode, uid: file.uid, gid: file.gid, signal: context.signal })
}

/** Every directory (the root first) and file under `root`, one listing per directory. */
async function walk(volume: Volume, root: EntryInfo, signal: AbortSignal | undefined): Promise<{ directories: EntryInfo[]; files: EntryInfo[]; skipped: string[] }> {
  const directories: EntryInfo[] = [root]
  const files: EntryInfo[] = []
  const skipped: string[] = []
  for (let index = 0; index < directories.length; index++) {
    for (const entry of await volume.list(directories[index]!.path, { signal })) {
      if (entry.type === 'directory') directories.push(entry)
      else if (entry.type === 'file') files.push(entry)
      else skipped.push(entry.path)
    }
  }
  return { directories, files, skipped }
}
