import { mkdir, readlink, symlink, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { sleep, throwIfAborted } from '@volumes/core'
import { errnoOf, toVolumeError } from './errors.js'
import { hostTag, isProcessAlive } from './process-identity.js'

/**
 * Per-key locks that hold across processes: a lock is a symlink whose target names its owner (`<host tag>.<pid>.<ms since epoch>`). Creating a symlink is atomic and
 * fails with EEXIST when it exists, so taking a free lock costs one system call and releasing it
 * one more. Waiters in this process queue in memory instead of polling the disk.
 *
 * An abandoned lock is broken when its owner is a dead process of this host, or when it is
 * older than `staleMs`. Breaking goes through a second lock (`<name>.break`) and re-reads the
 * owner before removing it, so two breakers never remove a lock taken after the stale one.
 */
export class KeyLocks {
  readonly #staleMs: number
  readonly #queues = new Map<string, Promise<void>>()

  constructor(staleMs: number) {
    this.#staleMs = staleMs
  }

  /** Runs `task` while holding the lock at `path` (its directory is created when missing). */
  async run<T>(path: string, op: string, key: string, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(path)
    let release!: () => void
    const mine = new Promise<void>((resolve) => {
      release = resolve
    })
    const queued = previous === undefined ? mine : previous.then(() => mine)
    this.#queues.set(path, queued)
    try {
      if (previous !== undefined) await previous
      await this.#acquire(path, op, key, signal)
      try {
        return await task()
      } finally {
        await unlink(path).catch(() => undefined)
      }
    } finally {
      release()
      if (this.#queues.get(path) === queued) this.#queues.delete(path)
    }
  }

  async #acquire(path: string, op: string, key: string, signal: AbortSignal | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal, op, key)
      try {
        await symlink(this.#owner(), path)
        return
      } catch (error) {
        const code = errnoOf(error)
        if (code === 'ENOENT' && attempt < 3) {
          await mkdir(dirname(path), { recursive: true })
          continue
        }
        if (code !== 'EEXIST') throw toVolumeError(error, op, key)
      }
      try {
        if (await this.#breakIfStale(path)) continue
        await sleep(Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()), signal)
      } catch (error) {
        throwIfAborted(signal, op, key)
        throw toVolumeError(error, op, key)
      }
    }
  }

  /** `true` when the lock is gone now (broken or released meanwhile): try again at once. */
  async #breakIfStale(path: string): Promise<boolean> {
    const owner = await readOwner(path)
    if (owner === undefined) return true
    if (!this.#isStale(owner)) return false
    const breaker = `${path}.break`
    try {
      await symlink(this.#owner(), breaker)
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error
      const other = await readOwner(breaker)
      if (other !== undefined && this.#isStale(other)) await unlink(breaker).catch(() => undefined)
      return false
    }
    try {
      if ((await readOwner(path)) === owner) await unlink(path).catch(() => undefined)
    } finally {
      await unlink(breaker).catch(() => undefined)
    }
    return true
  }

  #owner(): string {
    return `${hostTag()}.${process.pid}.${Date.now()}`
  }

  #isStale(owner: string): boolean {
    const [tag, pid, since] = owner.split('.')
    const age = Date.now() - Number(since)
    if (!Number.isFinite(age)) return true
    if (tag === hostTag() && !isProcessAlive(Number(pid))) return true
    return age > this.#staleMs
  }
}

async function readOwner(path: string): Promise<string | undefined> {
  try {
    return await readlink(path)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined
    throw error
  }
}
