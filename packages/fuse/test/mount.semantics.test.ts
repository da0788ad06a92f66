import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryLeaseManager, VolumeStore, type VolumeStoreOptions } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { expectVolumeError } from '@volumes/testkit'
import { fuseReason, mountFresh, scratch, sh, shFails } from './helpers.js'

function localStore(options: Partial<VolumeStoreOptions> = {}): VolumeStore {
  return new VolumeStore({ blobs: new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'volumes-fuse-sem-')), fsync: false }), leases: new MemoryLeaseManager(), ...options })
}

describe.skipIf(fuseReason !== undefined)(`mount semantics (local disk)${fuseReason ? ` (skipped: ${fuseReason})` : ''}`, () => {
  it('two shared mounts see each other\'s closed files (close-to-open, both ways)', async () => {
    const store = localStore()
    const volume = await store.create('shared')
    await volume.writeFile('/seen.txt', 'v1')
    // attr-timeout 0: the kernel's attribute cache would otherwise keep an old size for up to the TTL.
    const a = await mountFresh(store, 'shared', { mode: 'shared', holderId: 'a', attrTimeout: 0 })
    const b = await mountFresh(store, 'shared', { mode: 'shared', holderId: 'b', attrTimeout: 0 })
    try {
      expect(await sh(`cat ${b.mountpoint}/seen.txt`)).toBe('v1')
      await sh(`echo from-a > ${a.mountpoint}/new.txt; printf 'version two' > ${a.mountpoint}/seen.txt`)
      expect(await sh(`cat ${b.mountpoint}/new.txt ${b.mountpoint}/seen.txt`)).toBe('from-a\nversion two')
      await sh(`echo from-b >> ${b.mountpoint}/new.txt; mkdir ${b.mountpoint}/dir-b`)
      expect(await sh(`cat ${a.mountpoint}/new.txt; ls ${a.mountpoint}`)).toBe('from-a\nfrom-b\ndir-b\nnew.txt\nseen.txt\n')
    } finally {
      await a.unmount()
      await b.unmount()
    }
    expect(await volume.readFile('/new.txt')).toBe('from-a\nfrom-b\n')
  })

  it('an exclusive mount while another holder has the volume is refused with a clear message', async () => {
    const store = localStore()
    await store.create('taken')
    const first = await mountFresh(store, 'taken', { holderId: 'first' })
    const place = await scratch()
    try {
      const { mountVolume } = await import('@volumes/fuse')
      const error = await expectVolumeError(mountVolume('taken', place.mountpoint, { store, holderId: 'second' }), 'EBUSY')
      expect(error.message).toContain('Volume "taken" is already attached')
      expect(await sh(`mount | grep -c '${place.mountpoint}' || true`)).toBe('0\n')
    } finally {
      await first.unmount()
      await place.cleanup()
    }
  })

  it('a force-released lease: writes fail with EIO and nothing lands', async () => {
    const leases = new MemoryLeaseManager()
    const store = localStore({ leases })
    const volume = await store.create('fenced')
    await volume.writeFile('/kept.txt', 'old')
    const mount = await mountFresh(store, 'fenced', { holderId: 'sandbox' })
    const m = mount.mountpoint
    try {
      await leases.forceRelease(volume.volumeId, 'sandbox', 'test')
      expect(await shFails(`echo new > ${m}/kept.txt`)).toMatch(/Input\/output error/)
      expect(mount.leaseLost.aborted).toBe(true)
      expect(await shFails(`mkdir ${m}/d`)).toMatch(/Input\/output error/)
      expect(await shFails(`echo x > ${m}/other.txt`)).toMatch(/Input\/output error/)
      expect(await sh(`cat ${m}/kept.txt`)).toBe('old')
    } finally {
      await mount.unmount()
    }
    expect(await volume.readFile('/kept.txt')).toBe('old')
    expect((await volume.list('/')).map((e) => e.name)).toEqual(['kept.txt'])
  })

  it('an unlinked open file stays readable and writable through its descriptor, and never reaches the store', async () => {
    const store = localStore()
    const volume = await store.create('unlinked')
    await volume.writeFile('/old', 'stored\n')
    const mount = await mountFresh(store, 'unlinked')
    const m = mount.mountpoint
    try {
      // Both go through libfuse's .fuse_hidden rename (hard_remove made fuse-native crash on fstat/pread).
      expect(await sh(`exec 3<${m}/old; rm ${m}/old; cat <&3; stat -L -c %s /dev/fd/3`)).toBe('stored\n7\n')
      expect(await sh(`exec 3<>${m}/new; echo fresh >&3; rm ${m}/new; cat /dev/fd/3; ls -A ${m}`)).toBe('fresh\n')
    } finally {
      await mount.unmount()
    }
    expect(await volume.list('/')).toEqual([])
  })

  it('a readonly mount refuses every change with EROFS', async () => {
    const store = localStore()
    const volume = await store.create('ro')
    await volume.writeFile('/f', 'content')
    const mount = await mountFresh(store, 'ro', { mode: 'readonly' })
    const m = mount.mountpoint
    try {
      expect(await sh(`cat ${m}/f`)).toBe('content')
      for (const change of [`echo x > ${m}/f`, `echo x >> ${m}/f`, `touch ${m}/g`, `mkdir ${m}/d`, `rm ${m}/f`, `chmod 600 ${m}/f`, `mv ${m}/f ${m}/h`, `ln -s f ${m}/l`, `truncate -s 0 ${m}/f`]) {
        expect(await shFails(change)).toMatch(/Read-only file system/)
      }
    } finally {
      await mount.unmount()
    }
    expect(await volume.readFile('/f')).toBe('content')
    expect((await volume.list('/')).map((e) => e.name)).toEqual(['f'])
  })

  it('quota: a write past the volume size fails with ENOSPC and the store keeps the old content; df shows size and usage', async () => {
    const store = localStore({ quota: { bytesPerGb: 64 * 1024 } })
    const volume = await store.create('small', { sizeGb: 1 })
    await volume.writeFile('/f', 'old content')
    const mount = await mountFresh(store, 'small')
    const m = mount.mountpoint
    try {
      expect(await sh(`df -B1 --output=size,used ${m} | tail -1`)).toMatch(/^\s*65536\s+4096\s*$/)
      expect(await shFails(`head -c 100000 /dev/zero > ${m}/f`)).toMatch(/No space left on device/)
      expect(await shFails(`head -c 100000 /dev/zero > ${m}/g`)).toMatch(/No space left on device/)
      await sh(`head -c 30000 /dev/zero > ${m}/fits`)
    } finally {
      await mount.unmount()
    }
    expect(await volume.readFile('/f')).toBe('old content')
    expect((await volume.getInfo('/fits')).size).toBe(30000)
    expect(await volume.exists('/g')).toBe(false)
    const usage = await volume.getUsage()
    expect(usage.bytes).toBe(30011)
  })
})
