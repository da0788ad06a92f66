import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { LeaseKeys, RedisLeaseManager, type RedisLeaseManagerOptions } from '@volumes/redis'
import { describeWithService, provideService, startRedisSentinel, type RedisSentinelService } from '@volumes/testkit'
import { outrunPausedReplica, retryTemporary, until, whenAborted } from './helpers/failover.js'

// A master, one replica, one Sentinel judging the master down after 1 s of silence.
const sentinel = (await provideService('Redis Sentinel with a replica', () => startRedisSentinel({ replicas: 1, downAfterMs: 1000, failoverTimeoutMs: 3000 }))) as RedisSentinelService | undefined
const managers: RedisLeaseManager[] = []
afterAll(async () => {
  await Promise.allSettled(managers.map((manager) => manager.close()))
  await sentinel?.stop()
})

describeWithService('leases across a Sentinel failover (master SIGKILLed, its replica lagging)', sentinel, (provided) => {
  const service = provided as RedisSentinelService
  const keyPrefix = `sfo${Date.now()}`
  const open = (options: Partial<RedisLeaseManagerOptions> = {}): RedisLeaseManager => {
    const redis = new Redis({ sentinels: service.sentinels.map((node) => ({ ...node })), name: service.masterName, maxRetriesPerRequest: 1, sentinelRetryStrategy: () => 200, retryStrategy: () => 200 })
    redis.on('error', () => undefined)
    const manager = new RedisLeaseManager({ redis, keyPrefix, logger: { warn: () => undefined }, replicaTimeoutMs: 500, checkIntervalMs: 300, ...options })
    managers.push(manager)
    return manager
  }

  it('keeps acknowledged leases and tokens, refuses what no replica has, and fires the signal of a lease the failover lost', { timeout: 60_000 }, async () => {
    const leases = open()
    await leases.ready()
    const held = await leases.acquire('held', 'holder-h', { ttlMs: 60_000, autoRenew: false })
    const handedOut: number[] = []
    for (let i = 0; i < 5; i++) {
      const lease = await leases.acquire('cycled', `cycle-${i}`, { ttlMs: 60_000, autoRenew: false })
      handedOut.push(lease.token)
      await lease.release()
    }

    const [replica] = service.replicas
    replica!.pause()
    await outrunPausedReplica(service.master.host, service.master.port, `${new LeaseKeys(keyPrefix).volume('filler')}`)
    await expect(leases.acquire('cycled', 'holder-b', { ttlMs: 60_000, autoRenew: false })).rejects.toMatchObject({ code: 'EAGAIN', reason: 'ReplicaTimeout', temporary: true })
    // A renewal no replica has does not count: the lease keeps its previous expiry (and stays held).
    const before = held.expiresAt.getTime()
    await expect(held.renew()).rejects.toMatchObject({ code: 'EAGAIN', reason: 'ReplicaTimeout' })
    expect(held.expiresAt.getTime()).toBe(before)
    expect(held.isCurrent()).toBe(true)
    const careless = open({ waitForReplicas: 0 })
    const unreplicated = await careless.acquire('unwaited', 'holder-u', { ttlMs: 60_000, autoRenew: false })
    const lost = whenAborted(unreplicated.signal)

    await service.master.kill()
    replica!.resume()
    await until(async () => (await service.currentMaster()).port === replica!.port)

    await expect(retryTemporary(() => leases.acquire('held', 'holder-c', { ttlMs: 60_000, autoRenew: false }))).rejects.toMatchObject({ code: 'EBUSY', reason: 'VolumeAttached' })
    await retryTemporary(() => held.renew())
    expect(await leases.validate('held', 'holder-h', held.token)).toBe(true)
    const next = await retryTemporary(() => leases.acquire('cycled', 'holder-c', { ttlMs: 60_000, autoRenew: false }))
    expect(next.token).toBeGreaterThan(Math.max(...handedOut))
    expect(String(await lost)).toContain('Redis no longer holds this lease')
    expect(unreplicated.isCurrent()).toBe(false)
    await next.release()
    await held.release()
  })
})
