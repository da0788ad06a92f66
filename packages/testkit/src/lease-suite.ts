import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isVolumeError, type Lease, type LeaseManager, type LeaseMode } from '@volumes/core'
import { aborted, eventually, expectAttached, expectCode, failure, pause } from './lease-suite-helpers.js'

/** Creates the LeaseManager under test. It is closed when the suite ends. */
export type LeaseManagerFactory = () => Promise<LeaseManager> | LeaseManager

/** Tuning of {@link runLeaseManagerConformance}. */
export interface LeaseSuiteOptions {
  /** Rounds of the 100-concurrent-acquires race. Default 5. */
  readonly raceRounds?: number
  /** Contenders per round. Default 100. */
  readonly raceContenders?: number
}

/**
 * The LeaseManager conformance suite: the behaviour every lease manager must show,
 * written once and run against the in-memory and the Redis managers.
 *
 * Every test uses fresh volume and holder ids, so one manager serves the whole suite.
 * Short TTLs (a few hundred ms) keep it quick; the whole suite takes a few seconds.
 *
 * @example
 * runLeaseManagerConformance('memory', () => new MemoryLeaseManager())
 */
export function runLeaseManagerConformance(name: string, factory: LeaseManagerFactory, options: LeaseSuiteOptions = {}): void {
  const rounds = options.raceRounds ?? 5
  const contenders = options.raceContenders ?? 100
  describe(`LeaseManager conformance: ${name}`, () => {
    let manager: LeaseManager
    const held: Lease[] = []
    const run = Math.random().toString(36).slice(2, 8)
    let counter = 0
    const volume = (label: string): string => `vol-${label}-${run}-${++counter}`
    const acquire = async (volumeId: string, holderId: string, mode: LeaseMode = 'exclusive', ttlMs = 10_000, autoRenew = false): Promise<Lease> => {
      const lease = await manager.acquire(volumeId, holderId, { mode, ttlMs, autoRenew })
      held.push(lease)
      return lease
    }

    beforeAll(async () => {
      manager = await factory()
    })
    afterAll(async () => {
      await Promise.allSettled(held.map((lease) => lease.release()))
      await manager?.close()
    })

    describe('modes', () => {
      it('an exclusive lease conflicts with every other lease (EBUSY VolumeAttached)', async () => {
        const v = volume('excl')
        const lease = await acquire(v, 'a')
        expect(lease).toMatchObject({ volumeId: v, holderId: 'a', mode: 'exclusive' })
        expect(lease.isCurrent()).toBe(true)
        expect(lease.lost).toBe(false)
        for (const mode of ['exclusive', 'shared', 'readonly'] as const) await expectAttached(manager.acquire(v, 'b', { mode, autoRenew: false }), v)
      })
      it('shared leases coexist; readonly and exclusive conflict with them', async () => {
        const v = volume('shared')
        await acquire(v, 'a', 'shared')
        await acquire(v, 'b', 'shared')
        await expectAttached(manager.acquire(v, 'c', { mode: 'readonly', autoRenew: false }), v)
        await expectAttached(manager.acquire(v, 'c', { mode: 'exclusive', autoRenew: false }), v)
        const holders = (await manager.listAttachments(v)).map((info) => info.holderId).sort()
        expect(holders).toEqual(['a', 'b'])
      })
      it('readonly leases coexist; shared and exclusive conflict with them', async () => {
        const v = volume('ro')
        await acquire(v, 'a', 'readonly')
        await acquire(v, 'b', 'readonly')
        await expectAttached(manager.acquire(v, 'c', { mode: 'shared', autoRenew: false }), v)
        await expectAttached(manager.acquire(v, 'c', { mode: 'exclusive', autoRenew: false }), v)
        expect((await manager.listAttachments(v)).every((info) => info.mode === 'readonly')).toBe(true)
      })
      it('mode defaults to exclusive', async () => {
        const v = volume('default')
        const lease = await manager.acquire(v, 'a', { autoRenew: false })
        held.push(lease)
        expect(lease.mode).toBe('exclusive')
        await expectAttached(manager.acquire(v, 'b', { mode: 'readonly', autoRenew: false }), v)
      })
    })

    describe('fencing tokens', () => {
      it('strictly increase per volume across grants, releases and holders', async () => {
        const v = volume('tokens')
        const tokens: number[] = []
        for (let i = 0; i < 4; i++) {
          const lease = await acquire(v, `h${i}`)
          tokens.push(lease.token)
          await lease.release()
        }
        const a = await acquire(v, 'x', 'shared')
        const b = await acquire(v, 'y', 'shared')
        tokens.push(a.token, b.token)
        for (const token of tokens) expect(Number.isSafeInteger(token) && token > 0).toBe(true)
        for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!)
      })
      it('exactly one of many concurrent exclusive acquires wins, every round, with growing tokens', async () => {
        const v = volume('race')
        let previous = 0
        for (let round = 0; round < rounds; round++) {
          const results = await Promise.allSettled(
            Array.from({ length: contenders }, (_, i) => manager.acquire(v, `r${round}-h${i}`, { mode: 'exclusive', ttlMs: 10_000, autoRenew: false })),
          )
          const winners = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
          const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []))
          expect(winners).toHaveLength(1)
          for (const error of losers) expect(isVolumeError(error, 'EBUSY')).toBe(true)
          const winner = winners[0]!
          expect(winner.token).toBeGreaterThan(previous)
          previous = winner.token
          expect(await manager.validate(v, winner.holderId, winner.token)).toBe(true)
          await winner.release()
        }
      })
    })

    describe('renew, release, expiry', () => {
      it('renew extends the lease past its first TTL', async () => {
        const v = volume('renew')
        // Renewed at 600 ms, checked at 1200 ms: past the first TTL (1000 ms), well within the second.
        const lease = await acquire(v, 'a', 'exclusive', 1000)
        const before = lease.expiresAt.getTime()
        const listedBefore = (await manager.listAttachments(v))[0]!.expiresAt.getTime()
        await pause(600)
        await lease.renew()
        expect(lease.expiresAt.getTime()).toBeGreaterThan(before)
        expect((await manager.listAttachments(v))[0]!.expiresAt.getTime()).toBeGreaterThan(listedBefore + 300)
        await pause(600)
        expect(lease.isCurrent()).toBe(true)
        expect(await manager.validate(v, 'a', lease.token)).toBe(true)
        await expectAttached(manager.acquire(v, 'b', { autoRenew: false }), v)
      })
      it('automatic renewal keeps a lease alive across several TTLs', async () => {
        const v = volume('auto')
        const lease = await acquire(v, 'a', 'exclusive', 600, true)
        await pause(1500)
        expect(lease.lost).toBe(false)
        expect(lease.isCurrent()).toBe(true)
        expect(await manager.validate(v, 'a', lease.token)).toBe(true)
        await lease.release()
      })
      it('release is idempotent, frees the volume and ends the lease', async () => {
        const v = volume('release')
        const lease = await acquire(v, 'a')
        await lease.release()
        await lease.release()
        expect(lease.lost).toBe(true)
        expect(lease.isCurrent()).toBe(false)
        expect(lease.signal.aborted).toBe(true)
        expect(await manager.validate(v, 'a', lease.token)).toBe(false)
        expect(await manager.listAttachments(v)).toEqual([])
        const next = await acquire(v, 'b')
        expect(next.token).toBeGreaterThan(lease.token)
        await expectCode(lease.renew(), 'EBUSY')
      })
      it('a lease not renewed expires: its signal fires and the volume is free', async () => {
        const v = volume('expiry')
        const lease = await acquire(v, 'a', 'exclusive', 200)
        const started = performance.now()
        await aborted(lease)
        expect(performance.now() - started).toBeLessThan(2000)
        expect(lease.lost).toBe(true)
        expect(lease.isCurrent()).toBe(false)
        expect(isVolumeError(lease.signal.reason, 'EBUSY')).toBe(true)
        let next: Lease | undefined
        await eventually(async () => {
          next = await manager.acquire(v, 'b', { ttlMs: 10_000, autoRenew: false }).catch(() => undefined)
          return next !== undefined
        })
        held.push(next!)
        expect(next!.token).toBeGreaterThan(lease.token)
        expect(await manager.validate(v, 'a', lease.token)).toBe(false)
        await expectCode(lease.renew(), 'EBUSY')
        expect((await manager.listAttachments(v)).map((info) => info.holderId)).toEqual(['b'])
      })
      it('an expired lease is refused renewal even when nobody took the volume', async () => {
        const v = volume('late')
        const lease = await acquire(v, 'a', 'exclusive', 150)
        await pause(450)
        await expectCode(lease.renew(), 'EBUSY')
        expect(lease.signal.aborted).toBe(true)
        expect(await manager.validate(v, 'a', lease.token)).toBe(false)
        expect(await manager.listAttachments(v)).toEqual([])
      })
    })

    describe('forceRelease and validate', () => {
      it('forceRelease removes the lease; the holder learns at its next renew', async () => {
        const v = volume('force')
        const lease = await acquire(v, 'a', 'shared')
        const other = await acquire(v, 'b', 'shared')
        expect(await manager.forceRelease(v, 'a', 'operator request')).toBe(true)
        expect(await manager.forceRelease(v, 'a', 'again')).toBe(false)
        expect(await manager.validate(v, 'a', lease.token)).toBe(false)
        expect((await manager.listAttachments(v)).map((info) => info.holderId)).toEqual(['b'])
        await expectCode(lease.renew(), 'EBUSY')
        expect(lease.signal.aborted).toBe(true)
        expect(lease.isCurrent()).toBe(false)
        await other.renew()
        expect(other.lost).toBe(false)
        await lease.release()
        expect(await manager.validate(v, 'b', other.token)).toBe(true)
      })
      it('forceRelease of an unknown lease returns false', async () => {
        expect(await manager.forceRelease(volume('none'), 'nobody', 'test')).toBe(false)
      })
      it('validate checks volume, holder and token', async () => {
        const v = volume('validate')
        const lease = await acquire(v, 'a')
        expect(await manager.validate(v, 'a', lease.token)).toBe(true)
        expect(await manager.validate(v, 'a', lease.token + 1)).toBe(false)
        expect(await manager.validate(v, 'a', lease.token - 1)).toBe(false)
        expect(await manager.validate(v, 'b', lease.token)).toBe(false)
        expect(await manager.validate(volume('other'), 'a', lease.token)).toBe(false)
      })
    })

    describe('listing', () => {
      it('listAttachments and listByHolder return live leases with their details', async () => {
        const v1 = volume('list1')
        const v2 = volume('list2')
        const holder = `holder-${run}-${++counter}`
        const a = await acquire(v1, holder, 'exclusive')
        const b = await acquire(v2, holder, 'readonly')
        await acquire(v2, 'someone-else', 'readonly')
        const attachments = await manager.listAttachments(v1)
        expect(attachments).toHaveLength(1)
        expect(attachments[0]).toMatchObject({ volumeId: v1, holderId: holder, mode: 'exclusive', token: a.token })
        expect(attachments[0]!.expiresAt).toBeInstanceOf(Date)
        expect(Math.abs(attachments[0]!.expiresAt.getTime() - (Date.now() + 10_000))).toBeLessThan(5_000)
        const mine = (await manager.listByHolder(holder)).sort((x, y) => x.volumeId.localeCompare(y.volumeId))
        expect(mine.map((info) => [info.volumeId, info.mode, info.token])).toEqual([
          [v1, 'exclusive', a.token],
          [v2, 'readonly', b.token],
        ])
        await a.release()
        expect((await manager.listByHolder(holder)).map((info) => info.volumeId)).toEqual([v2])
        expect(await manager.listAttachments(v1)).toEqual([])
        expect(await manager.listByHolder(`unknown-${run}`)).toEqual([])
      })
      it('expired leases are not listed', async () => {
        const v = volume('list-exp')
        const holder = `holder-${run}-${++counter}`
        const lease = await acquire(v, holder, 'exclusive', 150)
        await aborted(lease)
        await eventually(async () => (await manager.listAttachments(v)).length === 0)
        expect(await manager.listByHolder(holder)).toEqual([])
      })
    })

    describe('re-acquire by the same holder', () => {
      it('gives a fresh lease with a new token; the old one is lost', async () => {
        const v = volume('again')
        const first = await acquire(v, 'a', 'exclusive')
        const second = await acquire(v, 'a', 'exclusive')
        expect(second.token).toBeGreaterThan(first.token)
        expect(await manager.validate(v, 'a', first.token)).toBe(false)
        expect(await manager.validate(v, 'a', second.token)).toBe(true)
        await expectCode(first.renew(), 'EBUSY')
        expect(first.signal.aborted).toBe(true)
        await first.release()
        expect(await manager.validate(v, 'a', second.token)).toBe(true)
        const listed = await manager.listAttachments(v)
        expect(listed.map((info) => [info.holderId, info.token])).toEqual([['a', second.token]])
      })
      it('may change mode when no other holder conflicts, and not when one does', async () => {
        const v = volume('remode')
        await acquire(v, 'a', 'exclusive')
        const ro = await acquire(v, 'a', 'readonly')
        expect(ro.mode).toBe('readonly')
        await acquire(v, 'b', 'readonly')
        await expectAttached(manager.acquire(v, 'a', { mode: 'exclusive', autoRenew: false }), v)
        expect(await manager.validate(v, 'a', ro.token)).toBe(true)
      })
    })

    describe('arguments', () => {
      it('rejects an invalid ttl with EINVAL', async () => {
        const v = volume('ttl')
        for (const ttlMs of [0, -1, 50, 1.5, Number.NaN, 86_400_001]) await expectCode(manager.acquire(v, 'a', { ttlMs, autoRenew: false }), 'EINVAL')
        expect(await manager.listAttachments(v)).toEqual([])
      })
      it('rejects an already aborted signal with ECANCELED', async () => {
        const v = volume('abort')
        await expectCode(manager.acquire(v, 'a', { signal: AbortSignal.abort(), autoRenew: false }), 'ECANCELED')
        expect(await manager.listAttachments(v)).toEqual([])
      })
    })
  })
}
