import { Readable } from 'node:stream'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { isVolumeError, normalisePath } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'
import { runVolumeFileTests } from './volume-files-suite.js'
import type { VolumeApi, VolumeApiFeature, VolumeLike } from './volume-like.js'
import { hostilePath } from './volume-path-properties.js'

export type { VolumeApi, VolumeApiCreateOptions, VolumeApiFeature, VolumeLike } from './volume-like.js'

/** Gives the API under test: a fresh registry for one suite run (a client bound to a fresh server, a `VolumeStore`...). */
export type VolumeApiFactory = () => Promise<VolumeApi> | VolumeApi

/** Options of {@link runVolumeApiConformance}. */
export interface VolumeApiSuiteOptions {
  /** Runs of each hostile-path property (each run is several requests). Default 100. */
  readonly hostilePathRuns?: number
  /** What the API under test cannot express: the tests that need it show as skipped. Default none. */
  readonly lacks?: readonly VolumeApiFeature[]
}

const allowedCodes = ['EINVAL', 'ENAMETOOLONG', 'EISDIR', 'ENOTDIR', 'ENOENT', 'EEXIST']
const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/**
 * The VolumeStore conformance suite as far as a volume API shows it: the registry
 * (create, connect, list, getInfo, destroy, names, races, attached volumes where the
 * API can attach), every file-level rule of `runVolumeFileTests`, every kind of write
 * data, and hostile paths (no sibling volume or registry entry is ever touched, and
 * every accepted name round-trips). Run it against a client of a server, or against
 * the library itself to see that both agree.
 *
 * @example
 * runVolumeApiConformance('client → server → disk', () => ({
 *   create: (name, options) => Volume.create(name, { ...options, apiUrl, apiKey }),
 *   connect: (id) => Volume.connect(id, { apiUrl, apiKey }),
 *   list: () => Volume.list({ apiUrl, apiKey }),
 *   getInfo: (id) => Volume.getInfo(id, { apiUrl, apiKey }),
 *   destroy: (id, options) => Volume.destroy(id, { ...options, apiUrl, apiKey }),
 * }))
 */
export function runVolumeApiConformance(name: string, factory: VolumeApiFactory, options: VolumeApiSuiteOptions = {}): void {
  const lacks = options.lacks ?? []
  const without = (feature: VolumeApiFeature): boolean => lacks.includes(feature)
  describe(`Volume API conformance: ${name}`, () => {
    let api: VolumeApi
    beforeAll(async () => {
      api = await factory()
    })

    describe('registry', () => {
      it('creates, connects by id and by name, lists, describes and destroys', async () => {
        const volumeName = `reg-one-${unique()}`
        const volume = await api.create(volumeName)
        expect(volume.volumeId).toMatch(/^vol-/)
        expect(volume.name).toBe(volumeName)
        expect((await api.connect(volume.volumeId)).name).toBe(volumeName)
        expect((await api.connect(volumeName)).volumeId).toBe(volume.volumeId)
        expect(await api.getInfo(volume.volumeId)).toMatchObject({ volumeId: volume.volumeId, name: volumeName })
        expect((await api.list()).map((v) => v.name)).toContain(volumeName)
        expect(await api.destroy(volume.volumeId)).toBe(true)
        expect(await api.destroy(volume.volumeId)).toBe(false)
        await expectVolumeError(api.connect(volume.volumeId), 'ENOENT')
        await expectVolumeError(api.connect(volumeName), 'ENOENT')
        await expectVolumeError(api.getInfo(volumeName), 'ENOENT')
      })
      it.skipIf(without('volumeOptions'))('keeps size and labels, and the creation time', async () => {
        const volume = await api.create(`reg-options-${unique()}`, { sizeGb: 5, labels: { team: 'a' } })
        const info = await api.getInfo(volume.volumeId)
        expect(info).toMatchObject({ volumeId: volume.volumeId, sizeGb: 5, labels: { team: 'a' } })
        expect(info.createdAt).toBeInstanceOf(Date)
        expect(await api.destroy(volume.volumeId)).toBe(true)
      })
      it('destroy removes every file: the same name made again is empty', async () => {
        const volumeName = `reg-destroy-${unique()}`
        const volume = await api.create(volumeName)
        await volume.writeFile('/a/b/c.txt', 'x')
        expect(await api.destroy(volumeName)).toBe(true)
        const again = await api.create(volumeName)
        expect(again.volumeId).not.toBe(volume.volumeId)
        expect(await again.list('/')).toEqual([])
        await api.destroy(again.volumeId)
      })
      it('refuses invalid names with EINVAL that states the rule', async () => {
        for (const bad of ['', 'has space', 'slash/name', 'dot.name', 'x'.repeat(64), 'ünicode', '../up']) {
          const error = await expectVolumeError(api.create(bad), 'EINVAL')
          expect(error.message).toContain('letters, numbers, and hyphens')
        }
      })
      it.skipIf(without('volumeOptions'))('refuses invalid sizes with EINVAL that states the rule', async () => {
        for (const size of [0, -1, 101, 1.5]) {
          const error = await expectVolumeError(api.create('size-check', { sizeGb: size }), 'EINVAL')
          expect(error.message).toContain('Size must be 1-100 GB')
        }
        expect((await api.list()).map((v) => v.name)).not.toContain('size-check')
      })
      it('names no URL can carry find no volume', async () => {
        for (const bad of ['', '.', '..', '../x', 'a/b', '%2e%2e', '%2F', 'x'.repeat(300)]) {
          await expectVolumeError(api.connect(bad), 'ENOENT')
          expect(await api.destroy(bad)).toBe(false)
        }
      })
      it('of concurrent creates of one name exactly one wins; the others are EEXIST', async () => {
        const volumeName = `reg-race-${unique()}`
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => api.create(volumeName)))
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'EEXIST'), String(r.reason)).toBe(true)
        expect((await api.list()).filter((v) => v.name === volumeName)).toHaveLength(1)
        await api.destroy(volumeName)
      })
      it('destroy of an attached volume is EBUSY unless forced; a second holder is refused', async (context) => {
        if (!api.attach) return context.skip()
        const volume = await api.create(`reg-attached-${unique()}`)
        const attachment = await api.attach(`sandbox-${unique()}`, { '/data': volume.name })
        const taken = await expectVolumeError(api.attach(`sandbox-${unique()}`, { '/data': volume.volumeId }), 'EBUSY')
        expect(taken.message).toContain(`Volume "${volume.name}" is already attached`)
        await expectVolumeError(api.destroy(volume.volumeId), 'EBUSY')
        expect(await api.destroy(volume.volumeId, { force: true })).toBe(true)
        await attachment.release()
      })
    })

    describe('files', () => {
      let volume: VolumeLike
      beforeAll(async () => {
        volume = await api.create(`files-${unique()}`, without('volumeOptions') ? {} : { sizeGb: 2 })
      })
      runVolumeFileTests(() => volume, lacks)
      it('accepts every kind of write data', async () => {
        const web = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('web')); c.close() } })
        async function* iterable(): AsyncIterable<Uint8Array> { yield new TextEncoder().encode('it'); yield new TextEncoder().encode('er') }
        const cases: [string, unknown, string][] = [
          ['string', 'text', 'text'],
          ['uint8', new TextEncoder().encode('bytes'), 'bytes'],
          ['arraybuffer', new TextEncoder().encode('ab').buffer, 'ab'],
          ['blob', new Blob(['blob']), 'blob'],
          ['web', web, 'web'],
          ['node', Readable.from([Buffer.from('no'), Buffer.from('de')]), 'node'],
          ['iterable', iterable(), 'iter'],
          ['empty', new Uint8Array(0), ''],
        ]
        for (const [kind, data, expected] of cases) {
          expect((await volume.writeFile(`/data/${kind}`, data as string)).size, kind).toBe(new TextEncoder().encode(expected).byteLength)
          expect(await volume.readFile(`/data/${kind}`), kind).toBe(expected)
        }
      })
    })

    describe('hostile paths (property-based)', () => {
      let volume: VolumeLike
      let sibling: VolumeLike
      let volumesBefore: string[]
      beforeAll(async () => {
        volume = await api.create(`hostile-${unique()}`)
        sibling = await api.create(`sibling-${unique()}`)
        await sibling.writeFile('/secret.txt', 'secret')
        volumesBefore = (await api.list()).map((v) => v.volumeId).sort()
      })

      it('every operation on a generated path succeeds or fails with a path error, touching no other volume', async () => {
        await fc.assert(
          fc.asyncProperty(hostilePath, async (input) => {
            for (const operation of [
              () => volume.writeFile(input, 'x'),
              () => volume.readFile(input),
              () => volume.makeDir(input, { force: true }),
              () => volume.list(input),
              () => volume.remove(input, { recursive: true }),
            ]) {
              try {
                await operation()
              } catch (error) {
                expect(isVolumeError(error), String(error)).toBe(true)
                expect(allowedCodes, (error as Error).message).toContain((error as { code: string }).code)
              }
            }
          }),
          { numRuns: options.hostilePathRuns ?? 100 },
        )
        expect(await sibling.readFile('/secret.txt')).toBe('secret')
        expect((await sibling.list('/', { depth: 10 })).map((e) => e.path)).toEqual(['/secret.txt'])
        expect((await api.list()).map((v) => v.volumeId).sort()).toEqual(volumesBefore)
      }, 600_000)

      it('every name that normalises round-trips: written, found under its own name, read back', async () => {
        let accepted = 0
        const refused: string[] = []
        await fc.assert(
          fc.asyncProperty(hostilePath, async (input) => {
            let path: string
            try {
              path = normalisePath(input, 'test')
            } catch {
              return
            }
            if (path === '/') return
            for (const entry of await volume.list('/')) await volume.remove(entry.path, { recursive: true })
            let written
            try {
              written = await volume.writeFile(input, input)
            } catch (error) {
              // A backend may refuse keys it cannot store (S3: over 1024 bytes; MinIO: `..\..`); then nothing is there.
              if (!isVolumeError(error, 'ENAMETOOLONG', 'EINVAL')) throw error
              refused.push(`${JSON.stringify(input)}: ${(error as Error).message}`)
              expect(await volume.exists(path).catch(() => false)).toBe(false)
              return
            }
            accepted++
            expect(written.path).toBe(path)
            expect(await volume.readFile(path)).toBe(input)
            expect((await volume.getInfo(path)).name).toBe(path.slice(path.lastIndexOf('/') + 1))
            const parent = path.slice(0, path.lastIndexOf('/')) || '/'
            expect((await volume.list(parent)).map((e) => e.path)).toContain(path)
          }),
          { numRuns: options.hostilePathRuns ?? 100 },
        )
        expect(accepted, `refused:\n${refused.join('\n')}`).toBeGreaterThan(0)
        expect(await sibling.readFile('/secret.txt')).toBe('secret')
      }, 600_000)

      it('awkward but portable names round-trip on every backend', async () => {
        for (const entry of await volume.list('/')) await volume.remove(entry.path, { recursive: true })
        const names = ['sp ace', 'üñí 漢字.txt', '%2e%2e', '%2f', '%252e', 'a#b?c', 'a+b=c&d', `quote'"`, '~', '.registry', 'semi;colon', 'back\\slash', '...', 'x'.repeat(200)]
        for (const name of names) {
          const path = `/odd/${name}`
          expect((await volume.writeFile(path, name)).path, name).toBe(path)
          expect(await volume.readFile(path), name).toBe(name)
          expect((await volume.getInfo(path)).name, name).toBe(name)
        }
        expect((await volume.list('/odd')).map((e) => e.name).sort()).toEqual([...names].sort())
      })
    })
  })
}
