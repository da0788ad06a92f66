import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findBinary, freePort, ServiceUnavailableError, startProcess, waitUntil, type ManagedProcess, type TestService } from './test-service.js'
import { redisCommand } from './redis.js'
import { redisNode, replicationInfo, type RedisNodeProcess } from './redis-node.js'

/** A master, its replicas and Sentinels watching them, for `new Redis({ sentinels, name })`. */
export interface RedisSentinelService extends TestService {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>
  /** The master name the Sentinels know. */
  readonly masterName: string
  /** The master at start-up. */
  readonly master: RedisNodeProcess
  readonly replicas: readonly RedisNodeProcess[]
  /** The master's address as the first Sentinel reports it now (it moves on failover). */
  currentMaster(): Promise<{ host: string; port: number }>
}

/** Options of {@link startRedisSentinel}. */
export interface StartRedisSentinelOptions {
  /** Replicas of the master. Default 1. */
  readonly replicas?: number
  /** Sentinels (quorum: a majority of them). Default 1. */
  readonly sentinels?: number
  /** `down-after-milliseconds`: how long a silent master takes to be judged down. Default 1000. */
  readonly downAfterMs?: number
  /** `failover-timeout`. Default 3000. */
  readonly failoverTimeoutMs?: number
  readonly masterName?: string
}

const serverArgs = (port: number, dir: string, extra: string[] = []): string[] => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra]

/**
 * Starts a replicated Redis under Sentinel on 127.0.0.1 from the local `redis-server` binary:
 * a master, `replicas` replicas (`--replicaof`, waited for until in sync), and `sentinels`
 * Sentinels with low timeouts (failover within a few seconds of the master's death).
 * No persistence: a killed server loses its data, as a crash without AOF would.
 *
 * @example
 * const redis = await provideService('Redis Sentinel', () => startRedisSentinel({ replicas: 1 }))
 */
export async function startRedisSentinel(options: StartRedisSentinelOptions = {}): Promise<RedisSentinelService> {
  const binary = findBinary('redis-server')
  if (!binary) throw new ServiceUnavailableError('no redis-server binary for a Sentinel set-up: run scripts/install/redis.sh')
  const host = '127.0.0.1'
  const masterName = options.masterName ?? 'volumes'
  const sentinelCount = options.sentinels ?? 1
  const started: RedisNodeProcess[] = []
  const sentinelProcesses: ManagedProcess[] = []
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([...sentinelProcesses.map((sentinel) => sentinel.stop()), ...started.map((server) => server.stop())])
  }
  const launch = async (name: string, extra: string[]): Promise<RedisNodeProcess> => {
    const port = await freePort()
    const server = await startProcess(name, binary, (dir) => serverArgs(port, dir, extra))
    const node = redisNode(host, port, server)
    started.push(node)
    await waitUntil(`${name} on ${port}`, async () => (await redisCommand(host, port, ['PING'])) === 'PONG', 15_000, server.exitReason)
    return node
  }
  try {
    const master = await launch('redis-master', [])
    const replicas: RedisNodeProcess[] = []
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const replica = await launch(`redis-replica-${i}`, ['--replicaof', host, String(master.port)])
      await waitUntil(`replica ${replica.port} in sync`, async () => (await replicationInfo(host, replica.port)).master_link_status === 'up', 30_000)
      replicas.push(replica)
    }
    const sentinels: Array<{ host: string; port: number }> = []
    for (let i = 0; i < sentinelCount; i++) {
      const port = await freePort()
      const config = [
        `port ${port}`,
        `bind ${host}`,
        `sentinel monitor ${masterName} ${host} ${master.port} ${Math.floor(sentinelCount / 2) + 1}`,
        `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 3000}`,
        `sentinel parallel-syncs ${masterName} 1`,
      ]
      const dir = await mkdtemp(join(tmpdir(), `volumes-redis-sentinel-${i}-`))
      await writeFile(join(dir, 'sentinel.conf'), `${config.join('\n')}\n`)
      const sentinel = await startProcess(`redis-sentinel-${i}`, binary, () => [join(dir, 'sentinel.conf'), '--sentinel'], {}, dir)
      sentinelProcesses.push(sentinel)
      await waitUntil(`redis sentinel on ${port}`, async () => (await redisCommand(host, port, ['PING'])) === 'PONG', 15_000, sentinel.exitReason)
      sentinels.push({ host, port })
    }
    const currentMaster = async (): Promise<{ host: string; port: number }> => {
      const reply = await redisCommand(host, sentinels[0]!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName])
      const [address = host, port = '0'] = reply.split('\n')
      return { host: address, port: Number(port) }
    }
    return {
      name: 'redis-sentinel',
      url: `redis://${host}:${sentinels[0]!.port}`,
      source: 'binary',
      sentinels,
      masterName,
      master,
      replicas,
      currentMaster,
      details: { pids: [...started.map((node) => node.pid), ...sentinelProcesses.map((sentinel) => sentinel.child.pid)].join(',') },
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
