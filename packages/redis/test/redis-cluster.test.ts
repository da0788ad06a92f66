import { afterAll } from 'vitest'
import { Cluster } from 'ioredis'
import { RedisLeaseManager } from '@volumes/redis'
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
