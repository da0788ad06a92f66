import { afterAll } from 'vitest'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, runLeaseManagerConformance, startRedis, type RedisService } from '@volumes/testkit'
import { startSentinel, type SentinelService } from './helpers/sentinel.js'

// The master must be a local binary: the sentinel is told its address.
const master = (await provideService('redis-server (own binary)', () => startRedis({ restartable: true }))) as RedisService | undefined
const sentinel = master ? ((await provideService('Redis Sentinel', () => startSentinel(master))) as SentinelService | undefined) : undefined
afterAll(async () => {
  await sentinel?.stop()
  await master?.stop()
})

describeWithService('RedisLeaseManager through Redis Sentinel', sentinel, (service) => {
  const { sentinels, masterName } = service as SentinelService
  runLeaseManagerConformance('redis (sentinel)', () => new RedisLeaseManager({ redis: { sentinels: sentinels.map((node) => ({ ...node })), name: masterName }, keyPrefix: `s${Date.now()}` }), {
    raceRounds: 3,
  })
})
