import { open } from 'node:fs/promises'
import { errnoOf } from './errors.js'

interface DirState {
  running: Promise<void> | undefined
  queued: Promise<void> | undefined
}

/**
 * Flushes directory entries with group commit: a caller whose change is already made joins a
 * flush that has not started yet, or queues one behind a flush already running (which may have
 * started before the change). Concurrent writers into one directory share one fsync instead of
 * each paying for their own.
 */
export class DirSyncer {
  readonly #dirs = new Map<string, DirState>()

  /** Resolves once every change made in these directories before the call is on the disk. Missing directories are skipped. */
  async sync(paths: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(paths)].map((path) => this.#sync(path)))
  }

  #sync(path: string): Promise<void> {
    let state = this.#dirs.get(path)
    if (state === undefined) {
      state = { running: undefined, queued: undefined }
      this.#dirs.set(path, state)
    }
    if (state.queued !== undefined) return state.queued
    if (state.running === undefined) return this.#start(path, state)
    const s = state
    const queued = state.running.catch(() => undefined).then(() => {
      s.queued = undefined
      return this.#start(path, s)
    })
    s.queued = queued
    return queued
  }

  #start(path: string, state: DirState): Promise<void> {
    const running = flush(path).finally(() => {
      state.running = undefined
      if (state.queued === undefined && this.#dirs.get(path) === state) this.#dirs.delete(path)
    })
    state.running = running
    return running
  }
}

async function flush(path: string): Promise<void> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return
    throw error
  }
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
