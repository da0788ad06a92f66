import calculateSlot from 'cluster-key-slot'
import { Cluster } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { LeaseKeys, RedisLeaseManager, type RedisLeaseManagerOptions } from '@volumes/redis'
import { describeWithService, provideService, redisCommand, slotOwner, startRedisCluster, type RedisClusterService, type RedisNodeProcess } from '@volumes/testkit'
import { outrunPausedReplica, retryTemporary, until, whenAborted } from './helpers/failover.js'

// 3 masters + 3 replicas on loopback; a master silent for 1 s is failed over.
const cluster = (await provideService('Redis Cluster with replicas', () => startRedisCluster({ replicas: 1, nodeTimeoutMs: 1000 }))) as RedisClusterService | undefined
const clients: Cluster[] = []
const managers: RedisLeaseManager[] = []
afterAll(async () => {
  await Promise.allSettled(managers.map((manager) => manager.close()))
  clients.forEach((client) => client.disconnect())
  await cluster?.stop()
})

describeWithService('leases across a Redis Cluster failover (master SIGKILLed, its replica lagging)', cluster, (provided) => {
  const service = provided as RedisClusterService
  const keyPrefix = `fo${Date.now()}`
  const keys = new LeaseKeys(keyPrefix)
  const connect = (): Cluster => {
    const client = new Cluster(service.nodes.map((node) => ({ ...node })), { clusterRetryStrategy: () => 200, redisOptions: { maxRetriesPerRequest: 1 } })
    client.on('error', () => undefined)
    clients.push(client)
    return client
  }
  const open = (options: Partial<RedisLeaseManagerOptions> = {}): RedisLeaseManager => {
    const manager = new RedisLeaseManager({ redis: connect(), keyPrefix, logger: { warn: () => undefined }, replicaTimeoutMs: 500, checkIntervalMs: 300, ...options })
    managers.push(manager)
    return manager
  }
  const server = (port: number): RedisNodeProcess => service.servers.find((node) => node.port === port)!
  const slotOf = async (volumeId: string): Promise<number> => calculateSlot(keys.volume(volumeId))

  it('keeps acknowledged leases and tokens, refuses what no replica has, and fires the signal of a lease the failover lost', { timeout: 60_000 }, async () => {
    const leases = open()
    // Three volumes served by one master: pick ids by slot.
    const first = await slotOwner('127.0.0.1', service.nodes[0]!.port, await slotOf('held'))
    const { master, replicas } = first!
    const onMaster = async (prefix: string): Promise<string> => {
      for (let i = 0; ; i++) {
        const slot = await slotOf(`${prefix}-${i}`)
        if (master.slots.some(([low, high]) => slot >= low && slot <= high)) return `${prefix}-${i}`
      }
    }
    const cycled = await onMaster('cycled')
    const unwaited = await onMaster('unwaited')

    // With the replica in sync: a held lease and a few handed-out tokens.
    await leases.ready()
    const held = await leases.acquire('held', 'holder-h', { ttlMs: 60_000, autoRenew: false })
    const handedOut: number[] = []
    for (let i = 0; i < 5; i++) {
      const lease = await leases.acquire(cycled, `cycle-${i}`, { ttlMs: 60_000, autoRenew: false })
      handedOut.push(lease.token)
      await lease.release()
    }

    // The replica stops replicating: what the master changes now, it alone has.
    const replica = server(replicas[0]!.port)
    replica.pause()
    await outrunPausedReplica(master.host, master.port, keys.volume(await onMaster('filler')))
    await expect(leases.acquire(cycled, 'holder-b', { ttlMs: 60_000, autoRenew: false })).rejects.toMatchObject({ code: 'EAGAIN', reason: 'ReplicaTimeout', temporary: true })
    // A manager told not to wait grants a lease the replica never sees.
    const careless = open({ waitForReplicas: 0 })
    const unreplicated = await careless.acquire(unwaited, 'holder-u', { ttlMs: 60_000, autoRenew: false })
    const lost = whenAborted(unreplicated.signal)

    await server(master.port).kill()
    replica.resume()
    const survivor = service.nodes.find((node) => node.port !== master.port)!
    await until(async () => (await slotOwner(survivor.host, survivor.port, await slotOf('held')))?.master.port === replica.port)
    await until(async () => (await redisCommand(survivor.host, survivor.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok'))

    // The acknowledged lease is on the promoted replica: nobody else gets the volume, its holder renews.
    await expect(retryTemporary(() => leases.acquire('held', 'holder-c', { ttlMs: 60_000, autoRenew: false }))).rejects.toMatchObject({ code: 'EBUSY', reason: 'VolumeAttached' })
    await retryTemporary(() => held.renew())
    expect(await leases.validate('held', 'holder-h', held.token)).toBe(true)
    // Tokens continue above every token handed out.
    const next = await retryTemporary(() => leases.acquire(cycled, 'holder-c', { ttlMs: 60_000, autoRenew: false }))
    expect(next.token).toBeGreaterThan(Math.max(...handedOut))
    // The lease the failover lost fires its signal (its renewal is 20 s away).
    expect(String(await lost)).toContain('Redis no longer holds this lease')
    expect(unreplicated.isCurrent()).toBe(false)
    await next.release()
    await held.release()
  })
})
