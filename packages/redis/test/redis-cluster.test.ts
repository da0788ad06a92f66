import { afterAll, expect, it } from 'vitest'
import { Cluster } from 'ioredis'
import { LeaseKeys, RedisLeaseManager } from '@volumes/redis'
import { runRedisSpecifics } from './helpers/redis-specifics.js'
import { describeWithService, provideService, runLeaseManagerConformance, startRedisCluster, type RedisClusterService } from '@volumes/testkit'

const cluster = (await provideService('Redis Cluster', () => startRedisCluster())) as RedisClusterService | undefined
const clients: Cluster[] = []
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.quit()))
  await cluster?.stop()
})

describeWithService('RedisLeaseManager on a 3-master Redis Cluster', cluster, (service) => {
  runLeaseManagerConformance('redis (cluster)', () => {
    const client = new Cluster((service as RedisClusterService).nodes.map((node) => ({ ...node })))
    clients.push(client)
    return new RedisLeaseManager({ redis: client, keyPrefix: `t${Date.now()}` })
  })
})

describeWithService('RedisLeaseManager specifics on a Cluster', cluster, (service) => {
  const nodes = (service as RedisClusterService).nodes.map((node) => ({ ...node }))
  const connect = (): Cluster => {
    const client = new Cluster(nodes)
    clients.push(client)
    return client
  }
  runRedisSpecifics('cluster', connect)

  it('spreads volumes over the masters, each volume in one slot', async () => {
    const client = connect()
    const keyPrefix = `slots${Date.now()}`
    const manager = new RedisLeaseManager({ redis: client, keyPrefix })
    const keys = new LeaseKeys(keyPrefix)
    const masters = new Set<string>()
    for (let i = 0; i < 12; i++) {
      const volumeId = `vol-${i}`
      const lease = await manager.acquire(volumeId, 'h', { ttlMs: 10_000, autoRenew: false })
      const slots = [await client.cluster('KEYSLOT', keys.volume(volumeId))]
      const owner = client.slots[slots[0] as number]?.[0]
      if (owner) masters.add(owner)
      await lease.release()
    }
    expect(masters.size).toBeGreaterThan(1)
    await manager.close()
  })

  it('checks maxmemory-policy on every master', async () => {
    const client = connect()
    await client.ping()
    const [, second] = client.nodes('master')
    await second!.config('SET', 'maxmemory-policy', 'volatile-lru')
    try {
      const manager = new RedisLeaseManager({ redis: client, keyPrefix: `policy${Date.now()}` })
      await expect(manager.ready()).rejects.toMatchObject({ code: 'EINVAL', reason: 'EvictingPolicy' })
      await manager.close()
    } finally {
      await second!.config('SET', 'maxmemory-policy', 'noeviction')
    }
  })
})
