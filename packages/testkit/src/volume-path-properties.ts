import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isVolumeError, normalisePath, usageKey, VolumeStore, type BlobStore } from '@volumes/core'
import { recordKeys } from './recording-blob-store.js'

const segment = fc.oneof(
  fc.constantFrom('..', '.', '', 'a', 'b', '..\\..', '%2e%2e', '%2f', '\\', 'etc', 'passwd', '.registry', ' ', '~'),
  fc.constantFrom('\0', 'a\0b', 'x'.repeat(255), 'y'.repeat(256), 'é'.repeat(128), '漢'.repeat(86)),
  fc.string({ minLength: 1, maxLength: 12 }),
)

/** Hostile path strings: traversal, NUL, over-long names, odd encodings, mixed separators. */
export const hostilePath = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 0, maxLength: 12 }), fc.constantFrom('', '/', '//'))
  .map(([absolute, parts, tail]) => `${absolute ? '/' : ''}${parts.join('/')}${tail}`)

const allowedCodes = ['EINVAL', 'ENAMETOOLONG', 'EISDIR', 'ENOTDIR', 'ENOENT', 'EEXIST']

/** Property tests: no generated path can touch a key outside its volume. */
export function runVolumePathProperties(context: () => { blobs: BlobStore; store: VolumeStore }, runs: number): void {
  describe('hostile paths (property-based)', () => {
    it('normalisePath returns a clean absolute path or a typed EINVAL/ENAMETOOLONG', () => {
      fc.assert(
        fc.property(hostilePath, (input) => {
          try {
            const path = normalisePath(input, 'test')
            expect(path.startsWith('/')).toBe(true)
            expect(path.split('/').slice(1).every((part) => part !== '..' && part !== '.' && (path === '/' || part !== ''))).toBe(true)
            expect(path.includes('\0')).toBe(false)
          } catch (error) {
            expect(isVolumeError(error, 'EINVAL', 'ENAMETOOLONG')).toBe(true)
          }
        }),
        { numRuns: 5000 },
      )
    })

    it('no operation on a generated path touches a key outside the volume', async () => {
      const { blobs } = context()
      const recorder = recordKeys(blobs)
      const store = new VolumeStore({ blobs: recorder.store })
      const volume = await store.create(`hostile-${Date.now().toString(36)}`)
      const sibling = await store.create(`sibling-${Date.now().toString(36)}`)
      await sibling.writeFile('/secret.txt', 'secret')
      const inside = `${volume.volumeId}/`
      await fc.assert(
        fc.asyncProperty(hostilePath, async (input) => {
          recorder.touched.length = 0
          for (const operation of [
            () => volume.writeFile(input, 'x'),
            () => volume.readFile(input),
            () => volume.makeDir(input, { force: true }),
            () => volume.remove(input, { recursive: true }),
          ]) {
            try {
              await operation()
            } catch (error) {
              expect(isVolumeError(error), String(error)).toBe(true)
              expect(allowedCodes, (error as Error).message).toContain((error as { code: string }).code)
            }
          }
          // The volume's own usage object (quota bookkeeping, keyed by volume id) is the one key allowed outside.
          const outside = recorder.touched.filter((key) => !key.startsWith(inside) && key !== usageKey(volume.volumeId))
          expect(outside, `path ${JSON.stringify(input)} touched ${outside.join(', ')}`).toEqual([])
        }),
        { numRuns: runs },
      )
      expect(await sibling.readFile('/secret.txt')).toBe('secret')
      await store.destroy(volume.volumeId)
      await store.destroy(sibling.volumeId)
    }, 600_000)
  })
}
