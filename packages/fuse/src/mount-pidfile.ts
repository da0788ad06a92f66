import { createHash } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * Where a foreground `volumes mount` process records its pid, so that `volumes
 * unmount <mountpoint>` can ask it (SIGTERM) to flush and unmount cleanly.
 * `$XDG_RUNTIME_DIR`, else the OS temp dir; one file per mountpoint.
 */
export function pidFileOf(mountpoint: string): string {
  const hash = createHash('sha256').update(resolve(mountpoint)).digest('hex').slice(0, 16)
  return join(process.env.XDG_RUNTIME_DIR || tmpdir(), `volumes-mount-${hash}.pid`)
}

export async function writePidFile(mountpoint: string): Promise<void> {
  await writeFile(pidFileOf(mountpoint), `${process.pid}\n`)
}

export async function removePidFile(mountpoint: string): Promise<void> {
  await rm(pidFileOf(mountpoint), { force: true })
}

/** The pid of the live process serving `mountpoint`, if its pid file names one. */
export async function mountProcessOf(mountpoint: string): Promise<number | undefined> {
  const text = await readFile(pidFileOf(mountpoint), 'utf8').catch(() => undefined)
  const pid = Number(text?.trim())
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

/** Whether a FUSE file system is mounted at `mountpoint` (by /proc/self/mounts). */
export async function isFuseMounted(mountpoint: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '')
  const where = resolve(mountpoint).replace(/ /g, '\\040')
  return mounts.split('\n').some((line) => {
    const [, point, type] = line.split(' ')
    return point === where && (type ?? '').startsWith('fuse')
  })
}
