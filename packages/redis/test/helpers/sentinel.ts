import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findBinary, freePort, redisCommand, ServiceUnavailableError, startProcess, waitUntil, type RedisService, type TestService } from '@volumes/testkit'

/** A Redis Sentinel watching one master, for `new Redis({ sentinels, name })`. */
export interface SentinelService extends TestService {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>
  /** The master name the sentinel knows. */
  readonly masterName: string
}

/**
 * Starts one Sentinel (`redis-server <conf> --sentinel`) on 127.0.0.1 that monitors `master`
 * (quorum 1). Enough to show that a client reaching Redis through Sentinel works; failover
 * needs replicas and is not exercised.
 */
export async function startSentinel(master: RedisService, masterName = 'volumes'): Promise<SentinelService> {
  const binary = findBinary('redis-server')
  if (!binary) throw new ServiceUnavailableError('no redis-server binary for Sentinel: run scripts/install/redis.sh')
  const host = '127.0.0.1'
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'volumes-redis-sentinel-'))
  const config = [`port ${port}`, `bind ${host}`, `dir ${dir}`, `sentinel monitor ${masterName} ${master.host} ${master.port} 1`, `sentinel down-after-milliseconds ${masterName} 5000`]
  await writeFile(join(dir, 'sentinel.conf'), `${config.join('\n')}\n`)
  const sentinel = await startProcess('redis-sentinel', binary, () => [join(dir, 'sentinel.conf'), '--sentinel'], {}, dir)
  try {
    await waitUntil('redis sentinel', async () => (await redisCommand(host, port, ['PING'])) === 'PONG', 15_000, sentinel.exitReason)
  } catch (error) {
    await sentinel.stop()
    throw error
  }
  return { name: 'redis-sentinel', url: `redis://${host}:${port}`, source: 'binary', sentinels: [{ host, port }], masterName, details: { pid: String(sentinel.child.pid) }, stop: () => sentinel.stop() }
}
