import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryLeaseManager, VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { fuseReason, mountFresh, sh } from './helpers.js'

const store = new VolumeStore({ blobs: new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'volumes-fuse-local-')), fsync: false }), leases: new MemoryLeaseManager() })

describe.skipIf(fuseReason !== undefined)(`volumes mount on local disk${fuseReason ? ` (skipped: ${fuseReason})` : ''}`, () => {
  it('smoke', async () => {
    const volume = await store.create('smoke')
    await volume.writeFile('/hello.txt', 'hello\n')
    const mount = await mountFresh(store, 'smoke')
    try {
      const m = mount.mountpoint
      expect(await sh(`cat ${m}/hello.txt`)).toBe('hello\n')
      await sh(`mkdir -p ${m}/a/b/c && echo one > ${m}/a/b/c/f && echo two >> ${m}/a/b/c/f`)
      expect(await sh(`cat ${m}/a/b/c/f`)).toBe('one\ntwo\n')
      console.log(await sh(`ls -la ${m} ${m}/a/b/c; df ${m}`))
    } finally {
      await mount.unmount()
    }
    expect(await volume.readFile('/a/b/c/f')).toBe('one\ntwo\n')
  })
})
