import { afterAll } from 'vitest'
import { Cluster } from 'ioredis'
import { RedisChangeFeed } from '@volumes/redis'
import { describeWithService, provideService, runChangeFeedConformance, startRedisCluster, type RedisClusterService } from '@volumes/testkit'

const cluster = (await provideService('Redis Cluster', () => startRedisCluster())) as RedisClusterService | undefined
const clients: Cluster[] = []
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.quit()))
  await cluster?.stop()
})

describeWithService('RedisChangeFeed on a 3-master Redis Cluster', cluster, (service) => {
  runChangeFeedConformance('redis (cluster)', {
    create: async (capacity) => {
      const client = new Cluster((service as RedisClusterService).nodes.map((node) => ({ ...node })))
      clients.push(client)
      return { feed: new RedisChangeFeed({ redis: client, keyPrefix: `t${Date.now().toString(36)}`, maxLength: capacity }), close: async () => undefined }
    },
    overflow: 150,
  })
})
