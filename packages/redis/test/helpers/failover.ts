import { Redis } from 'ioredis'
import { isVolumeError } from '@volumes/core'

/** Runs `attempt` again while it fails with a temporary error (Redis away, a failover in progress), as a caller would. */
export async function retryTemporary<T>(attempt: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (i >= tries || !isVolumeError(error) || !error.temporary) throw error
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/** Resolves with the reason when the signal fires. */
export function whenAborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason)
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }))
}

/** Polls `check` every 100 ms until it is true (the test's timeout bounds the wait). */
export async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) await new Promise((resolve) => setTimeout(resolve, 100))
}

/**
 * Makes a paused replica lag for real: on loopback, writes sent to a stopped replica still land
 * in its socket buffers and reach it when it resumes. This writes 1 MiB fillers under
 * `keyStem` (which must hash to the master's slots in a Cluster) until the master drops the
 * replica (its output buffer limit set to 8 MiB), so that what the master changes next is its
 * alone, and lost when it dies.
 */
export async function outrunPausedReplica(host: string, port: number, keyStem: string): Promise<void> {
  const master = new Redis({ host, port, maxRetriesPerRequest: 1 })
  try {
    await master.config('SET', 'client-output-buffer-limit', 'replica 8mb 0 0')
    const filler = Buffer.alloc(1 << 20, 120)
    for (let i = 0; i < 256 && !(await master.info('replication')).includes('connected_slaves:0'); i++) await master.set(`${keyStem}:filler-${i}`, filler)
    if (!(await master.info('replication')).includes('connected_slaves:0')) throw new Error('the master kept its paused replica after 256 MiB')
  } finally {
    master.disconnect()
  }
}
