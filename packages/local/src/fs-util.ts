import { mkdir, rmdir, unlink, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errnoOf } from './errors.js'

/** Writes all of `bytes` at the handle's current position. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset)
    offset += bytesWritten
  }
}

/** Removes a file, ignoring a missing one and any other failure (clean-up paths only). */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined)
}

/** Removes a file; `false` when there was nothing to remove. */
export async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return false
    throw error
  }
}

/** Removes a directory when it is empty. `true` when it is gone (or was already). */
export async function removeDirIfEmpty(path: string): Promise<boolean> {
  try {
    await rmdir(path)
    return true
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT') return true
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EBUSY') return false
    throw error
  }
}

/**
 * `mkdir -p`. Returns the directories whose entries changed (the parent of the first one created
 * and every created one but the last), so that a durable caller can flush them; empty when the
 * directory existed.
 */
export async function makeDirs(path: string): Promise<string[]> {
  const first = await mkdir(path, { recursive: true })
  if (first === undefined) return []
  const changed = [dirname(first)]
  for (let at = first; at !== path && at.length < path.length; ) {
    changed.push(at)
    const next = path.indexOf('/', at.length + 1)
    at = next === -1 ? path : path.slice(0, next)
  }
  return changed
}
