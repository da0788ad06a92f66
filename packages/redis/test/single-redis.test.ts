import { afterAll } from 'vitest'
import { Redis } from 'ioredis'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, runLeaseManagerConformance, startRedis, type RedisService } from '@volumes/testkit'

import { runRedisSpecifics } from './helpers/redis-specifics.js'

const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined
const clients: Redis[] = []
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.quit()))
  await redis?.stop()
})

describeWithService('RedisLeaseManager on a single redis-server', redis, () => {
  runLeaseManagerConformance('redis (single server)', () => new RedisLeaseManager({ redis: { host: redis!.host, port: redis!.port }, keyPrefix: `t${Date.now()}` }))
})

describeWithService('RedisLeaseManager specifics on a single redis-server', redis, (service) => {
  runRedisSpecifics('single server', () => {
    const client = new Redis({ host: (service as RedisService).host, port: (service as RedisService).port })
    clients.push(client)
    return client
  })
})
