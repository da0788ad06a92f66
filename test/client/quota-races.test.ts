import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isVolumeError } from '@volumes/core'
import { Volume } from '@volumes/client'
import { startLocalServer, type ServerFixture } from './fixture.js'

// Issue 9, defect 1 through HTTP: with a volume token (a sandbox's), concurrent DELETEs of one
// file used to each free its size, so a 1 MB volume could end up holding 2 MB.
describe('quota exactness through HTTP', () => {
  let fixture: ServerFixture
  beforeAll(async () => {
    fixture = await startLocalServer()
  })
  afterAll(async () => fixture.close())

  it('four concurrent DELETEs of one file: one 204, three ENOENT, and its bytes are freed once', async () => {
    const volume = await Volume.create(`races-${Date.now().toString(36)}`, { ...fixture.connection, sizeGb: 1 })
    await fixture.store.connect(volume.volumeId).then((local) => local.writeFile('/f', new Uint8Array(1000)))
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => volume.remove('/f')))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(isVolumeError(r.reason, 'ENOENT'), String(r.reason)).toBe(true)
    const local = await fixture.store.connect(volume.volumeId)
    const usage = await local.getUsage()
    const recount = await fixture.store.recomputeUsage(volume.volumeId)
    expect({ bytes: usage.bytes, inodes: usage.inodes }).toEqual({ bytes: recount.bytes, inodes: recount.inodes })
    // Had each DELETE freed the file's 1,000 bytes, the count would be -3,000: room past the size.
    expect(usage.bytes).toBe(0)
    await Volume.destroy(volume.volumeId, fixture.connection)
  })
})
