import { afterAll, expect, it } from 'vitest'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, runLeaseManagerConformance, startRedis, type RedisService } from '@volumes/testkit'

// The container path of the testkit, run once: redis-server from the local image, started by
// testcontainers in host network mode (CI starts dockerd; elsewhere this skips without an engine).
const redis = (await provideService('redis-server (container)', () => startRedis({ container: true }))) as RedisService | undefined
afterAll(() => redis?.stop())

describeWithService('RedisLeaseManager on redis-server in a container', redis, (provided) => {
  const service = provided as RedisService
  it('the server runs in a container', () => {
    expect(service.source).toBe('container')
    expect(service.details.containerId).toMatch(/^[0-9a-f]{64}$/)
  })
  runLeaseManagerConformance('redis (container)', () => new RedisLeaseManager({ redis: { host: service.host, port: service.port }, keyPrefix: `c${Date.now()}` }))
})
