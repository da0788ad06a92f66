import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Lazily unmounts `mountpoint` with fusermount (fuse 2 or 3), falling back to umount(8). */
export async function detach(mountpoint: string): Promise<void> {
  const attempts: Array<[string, string[]]> = [['fusermount', ['-uz', mountpoint]], ['fusermount3', ['-uz', mountpoint]], ['umount', ['-l', mountpoint]]]
  let last: unknown
  for (const [command, args] of attempts) {
    try {
      await run(command, args)
      return
    } catch (error) {
      last = error
    }
  }
  throw last
}

/**
 * A FUSE mount whose process died (kill -9) leaves its mountpoint answering ENOTCONN:
 * detach it so that a new mount can take its place. Anything else is left alone.
 * Returns whether a stale mount was cleared.
 */
export async function clearStaleMount(mountpoint: string): Promise<boolean> {
  try {
    await stat(mountpoint)
    return false
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTCONN') return false
  }
  await detach(mountpoint)
  return true
}
