import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryTokenFloor, RedisLeaseManager, type TokenFloor } from '@volumes/redis'
import { describeWithService, provideService, startRedis, type RedisService } from '@volumes/testkit'

const redis = (await provideService('redis-server (restartable binary)', () => startRedis({ restartable: true }))) as RedisService | undefined
const managers: RedisLeaseManager[] = []
afterAll(async () => {
  await Promise.allSettled(managers.map((manager) => manager.close()))
  await redis?.stop()
})

describeWithService('fencing tokens across a Redis data loss', redis, (service) => {
  const server = service as RedisService
  const open = (keyPrefix: string, tokenFloor?: TokenFloor, tokenBlockSize?: number): RedisLeaseManager => {
    const manager = new RedisLeaseManager({ redis: { host: server.host, port: server.port }, keyPrefix, logger: { warn: () => undefined }, ...(tokenFloor ? { tokenFloor } : {}), ...(tokenBlockSize ? { tokenBlockSize } : {}) })
    managers.push(manager)
    return manager
  }
  const cycle = async (manager: RedisLeaseManager, volumeId: string, times: number): Promise<number[]> => {
    const tokens: number[] = []
    for (let i = 0; i < times; i++) {
      const lease = await manager.acquire(volumeId, `holder-${i}`, { ttlMs: 10_000, autoRenew: false })
      tokens.push(lease.token)
      await lease.release()
    }
    return tokens
  }
  const increasing = (tokens: number[]): boolean => tokens.every((token, i) => i === 0 || token > tokens[i - 1]!)

  describe('with a token floor', () => {
    it('touches the floor once per block, not per acquire', async () => {
      const floor = new MemoryTokenFloor()
      const manager = open('floor-block', floor, 10)
      const tokens = await cycle(manager, 'vol-block', 25)
      expect(increasing(tokens)).toBe(true)
      expect(floor.calls).toEqual({ read: 3, raise: 3 })
      expect(await floor.read('vol-block')).toBe(30)
    })

    it('block size 1 reads and raises the floor on every acquire', async () => {
      const floor = new MemoryTokenFloor()
      const tokens = await cycle(open('floor-strict', floor, 1), 'vol-strict', 5)
      expect(tokens).toEqual([1, 2, 3, 4, 5])
      expect(floor.calls).toEqual({ read: 5, raise: 5 })
    })

    it('continues above the old tokens after Redis is killed and restarted without persistence', async () => {
      const floor = new MemoryTokenFloor()
      const before = open('floor-restart', floor, 10)
      const volumes = ['vol-a', 'vol-b']
      const old = new Map<string, number[]>()
      for (const volumeId of volumes) old.set(volumeId, await cycle(before, volumeId, volumeId === 'vol-a' ? 7 : 13))
      const held = await before.acquire('vol-a', 'long-holder', { ttlMs: 30_000, autoRenew: false })

      await server.kill()
      await server.restart()
      const probe = new Redis({ host: server.host, port: server.port })
      expect(await probe.dbsize()).toBe(0)
      await probe.quit()

      // The holder whose lease Redis forgot learns it at its next renewal.
      await expect(held.renew()).rejects.toMatchObject({ code: 'EBUSY' })
      expect(held.signal.aborted).toBe(true)

      for (const manager of [before, open('floor-restart', floor, 10)]) {
        for (const volumeId of volumes) {
          const highest = Math.max(...old.get(volumeId)!, volumeId === 'vol-a' ? held.token : 0)
          const after = await cycle(manager, volumeId, 3)
          expect(after[0]!).toBeGreaterThan(highest)
          expect(increasing(after)).toBe(true)
          old.set(volumeId, [...old.get(volumeId)!, ...after])
        }
      }
    })
  })

  it('without a floor, a restart without persistence starts tokens again (why the floor exists)', async () => {
    const manager = open('no-floor')
    const tokens = await cycle(manager, 'vol-plain', 5)
    expect(tokens).toEqual([1, 2, 3, 4, 5])
    await server.kill()
    await server.restart()
    expect(await cycle(manager, 'vol-plain', 1)).toEqual([1])
  })
})
