import { afterAll } from 'vitest'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, runLeaseManagerConformance, startRedisSentinel, type RedisSentinelService } from '@volumes/testkit'

// A master with one replica under Sentinel: every acquire and renewal waits for the replica (waitForReplicas 'auto').
const sentinel = (await provideService('Redis Sentinel', () => startRedisSentinel({ replicas: 1 }))) as RedisSentinelService | undefined
afterAll(() => sentinel?.stop())

describeWithService('RedisLeaseManager through Redis Sentinel', sentinel, (service) => {
  const { sentinels, masterName } = service as RedisSentinelService
  runLeaseManagerConformance('redis (sentinel)', () => new RedisLeaseManager({ redis: { sentinels: sentinels.map((node) => ({ ...node })), name: masterName }, keyPrefix: `s${Date.now()}` }), {
    raceRounds: 3,
  })
})
