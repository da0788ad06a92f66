/**
 * A lease holder in its own process, for tests that stop it (SIGSTOP), resume it (SIGCONT)
 * or kill it. Started by `spawnLeaseHolder` (lease-holder.ts); talks JSON lines:
 * stdout: `{"event":"acquired","token":n}`, `{"event":"lost","reason":"..."}`, `{"event":"reply","id":n,...}`;
 * stdin: `{"id":n,"command":"renew"|"validate"|"release"|"exit"}`.
 * Configured by the VOLUMES_LEASE_HOLDER environment variable (JSON of {@link LeaseHolderConfig}).
 */
import { createInterface } from 'node:readline'
import { isVolumeError, type LeaseMode } from '@volumes/core'
import { RedisLeaseManager } from '@volumes/redis'

/** What the child is told to hold. */
export interface LeaseHolderConfig {
  readonly redisUrl: string
  readonly keyPrefix: string
  readonly volumeId: string
  readonly holderId: string
  readonly mode?: LeaseMode
  readonly ttlMs: number
}

const config = JSON.parse(process.env.VOLUMES_LEASE_HOLDER ?? '{}') as LeaseHolderConfig
const say = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}
const manager = new RedisLeaseManager({ redis: { host: new URL(config.redisUrl).hostname, port: Number(new URL(config.redisUrl).port), maxRetriesPerRequest: 2 }, keyPrefix: config.keyPrefix })
const lease = await manager.acquire(config.volumeId, config.holderId, { mode: config.mode ?? 'exclusive', ttlMs: config.ttlMs })
lease.signal.addEventListener('abort', () => say({ event: 'lost', reason: String((lease.signal.reason as Error | undefined)?.message) }), { once: true })
say({ event: 'acquired', token: lease.token })

const errorCode = (error: unknown): string => (isVolumeError(error) ? error.code : String(error))
for await (const line of createInterface({ input: process.stdin })) {
  const { id, command } = JSON.parse(line) as { id: number; command: string }
  if (command === 'renew') {
    await lease.renew().then(
      () => say({ event: 'reply', id, ok: true }),
      (error: unknown) => say({ event: 'reply', id, ok: false, code: errorCode(error) }),
    )
  } else if (command === 'validate') {
    say({ event: 'reply', id, ok: lease.isCurrent() && (await manager.validate(config.volumeId, config.holderId, lease.token)), current: lease.isCurrent() })
  } else if (command === 'release') {
    await lease.release()
    say({ event: 'reply', id, ok: true })
  } else if (command === 'exit') {
    break
  }
}
await manager.close()
process.exit(0)
