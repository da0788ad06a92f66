import { createHash } from 'node:crypto'
import { readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { errnoOf } from './errors.js'

let cachedTag: string | undefined

/**
 * A short tag naming this host and PID namespace. Two processes with the same tag see each
 * other's PIDs, so a lock or temporary file tagged like ours whose PID is gone was left by a crash.
 */
export function hostTag(): string {
  if (cachedTag === undefined) {
    let namespace = ''
    try {
      namespace = readlinkSync('/proc/self/ns/pid')
    } catch {
      // not Linux: the host name alone
    }
    cachedTag = createHash('sha256').update(`${hostname()}\0${namespace}`).digest('hex').slice(0, 12)
  }
  return cachedTag
}

/** Whether a process with this PID runs on this host (in this PID namespace). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errnoOf(error) === 'EPERM'
  }
}
