import { mkdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { isVolumeError, joinPath, VolumeError, type EntryInfo, type Volume } from '@volumes/core'
import type { LocalLocation, VolumeLocation } from './address.js'

/** An entry's info, or undefined when nothing is there. */
export async function entryOrUndefined(volume: Volume, path: string): Promise<EntryInfo | undefined> {
  try {
    return await volume.getInfo(path)
  } catch (error) {
    if (isVolumeError(error, 'ENOENT')) return undefined
    throw error
  }
}

/** Options of the target resolvers. */
export interface TargetOptions {
  /** Several sources, or the destination was written with a trailing `/`: it must be a directory. */
  readonly intoDirectory: boolean
  /** Create that directory when it is missing (cp does; mv does not). */
  readonly createDirectory: boolean
  /** Operation named in errors. */
  readonly op: string
}

/**
 * Where a source named `sourceName` lands, as cp and mv decide it: inside the
 * destination when that is an existing directory (or must be one), else at the destination itself.
 */
export async function volumeTarget(volume: Volume, destination: VolumeLocation, sourceName: string, options: TargetOptions): Promise<string> {
  const existing = await entryOrUndefined(volume, destination.path)
  if (existing?.type === 'directory') return sourceName === '' ? destination.path : joinPath(destination.path, sourceName)
  if (!options.intoDirectory && !destination.trailingSlash) return destination.path
  if (existing) throw new VolumeError('ENOTDIR', { op: options.op, path: destination.path })
  if (!options.createDirectory) throw new VolumeError('ENOENT', { op: options.op, path: destination.path })
  await volume.makeDir(destination.path, { force: true })
  return sourceName === '' ? destination.path : joinPath(destination.path, sourceName)
}

/** {@link volumeTarget} for a destination on the local disk. */
export async function localTarget(destination: LocalLocation, absolute: string, sourceName: string, options: TargetOptions): Promise<string> {
  const existing = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (existing?.isDirectory()) return join(absolute, sourceName)
  if (!options.intoDirectory && !destination.trailingSlash) return absolute
  if (existing) throw new VolumeError('ENOTDIR', { op: options.op, path: destination.path })
  await mkdir(absolute, { recursive: true })
  return join(absolute, sourceName)
}

/** The last component of a local path, ignoring trailing slashes (`./src/` → `src`). */
export function localBaseName(path: string): string {
  return basename(path.replace(/\/+$/, '')) || basename(path)
}
