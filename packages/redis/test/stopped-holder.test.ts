import { afterAll, expect, it } from 'vitest'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, startRedis, type RedisService } from '@volumes/testkit'
import { spawnLeaseHolder, type LeaseHolderProcess } from './helpers/lease-holder.js'

const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined
const holders: LeaseHolderProcess[] = []
const managers: RedisLeaseManager[] = []
afterAll(async () => {
  await Promise.allSettled(holders.map((holder) => holder.stop()))
  await Promise.allSettled(managers.map((manager) => manager.close()))
  await redis?.stop()
})
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describeWithService('a holder process stopped past its TTL (SIGSTOP / SIGCONT)', redis, (service) => {
  it('loses its lease to another holder and learns it when it resumes', async () => {
    const keyPrefix = `stop${Date.now()}`
    const volumeId = 'vol-stopped'
    const ttlMs = 2000
    const first = spawnLeaseHolder({ redisUrl: service.url, keyPrefix, volumeId, holderId: 'sandbox-a', ttlMs })
    holders.push(first)
    const { token: firstToken } = await first.acquired
    const manager = new RedisLeaseManager({ redis: { host: (service as RedisService).host, port: (service as RedisService).port }, keyPrefix })
    managers.push(manager)

    // Auto-renewal keeps the lease while the process runs.
    await pause(ttlMs * 1.5)
    expect(await manager.validate(volumeId, 'sandbox-a', firstToken)).toBe(true)
    await expect(manager.acquire(volumeId, 'sandbox-b', { ttlMs: 10_000 })).rejects.toMatchObject({ code: 'EBUSY', reason: 'VolumeAttached' })

    first.pause()
    await pause(ttlMs * 1.5)
    const second = await manager.acquire(volumeId, 'sandbox-b', { ttlMs: 10_000 })
    expect(second.token).toBeGreaterThan(firstToken)

    first.resume()
    const lost = await Promise.race([first.lost, pause(5000).then(() => undefined)])
    expect(lost, 'the resumed holder reports its lease lost').toBeDefined()
    expect(await first.command('renew')).toMatchObject({ ok: false, code: 'EBUSY' })
    expect(await first.command('validate')).toMatchObject({ ok: false, current: false })
    expect(await manager.validate(volumeId, 'sandbox-a', firstToken)).toBe(false)

    // The new holder is untouched by the old one waking up.
    expect(await manager.validate(volumeId, 'sandbox-b', second.token)).toBe(true)
    await first.command('release')
    expect(await manager.validate(volumeId, 'sandbox-b', second.token)).toBe(true)
    expect((await manager.listAttachments(volumeId)).map((info) => info.holderId)).toEqual(['sandbox-b'])
    await second.release()
    await first.stop()
  })
})
