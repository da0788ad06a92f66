import { afterAll } from 'vitest'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, runLeaseManagerConformance, startRedis, type RedisService } from '@volumes/testkit'

const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined
afterAll(() => redis?.stop())

describeWithService('RedisLeaseManager on a single redis-server', redis, () => {
  runLeaseManagerConformance('redis (single server)', () => new RedisLeaseManager({ redis: { host: redis!.host, port: redis!.port }, keyPrefix: `t${Date.now()}` }))
})
