import { beforeAll, describe, expect, it } from 'vitest'
import { RegistryTokenFloor, VolumeStore, type BlobStore } from '@volumes/core'
import { expectVolumeError } from '@volumes/testkit'
import { backends } from './backends.js'

describe.each(backends)('registry token floor on $name', (backend) => {
  let blobs: BlobStore
  beforeAll(async () => {
    blobs = await backend.make()
  })

  it('never goes backwards under concurrent raises from two instances, and keeps the record intact', async () => {
    const store = new VolumeStore({ blobs })
    const volume = await store.create(`floor-${Date.now().toString(36)}`, { sizeGb: 7, labels: { team: 'a' } })
    const floors = [store.tokenFloor, new RegistryTokenFloor(blobs)]
    expect(await floors[1]!.read(volume.volumeId)).toBe(0)
    let highest = 0
    for (let round = 0; round < 5; round++) {
      const tokens = Array.from({ length: 12 }, () => Math.floor(Math.random() * 10_000))
      await Promise.all(tokens.map((token, i) => floors[i % 2]!.raise(volume.volumeId, token)))
      highest = Math.max(highest, ...tokens)
      expect(await floors[round % 2]!.read(volume.volumeId)).toBe(highest)
    }
    await store.tokenFloor.raise(volume.volumeId, 1)
    expect(await store.tokenFloor.read(volume.volumeId)).toBe(highest)
    expect(await store.getInfo(volume.name)).toMatchObject({ volumeId: volume.volumeId, sizeGb: 7, labels: { team: 'a' } })
    expect((await store.connect(volume.volumeId)).name).toBe(volume.name)
  })

  it('an unknown volume reads 0 and cannot be raised (ENOENT); a bad token is EINVAL', async () => {
    const floor = new RegistryTokenFloor(blobs)
    expect(await floor.read('vol-aaaaaaaaaaaaaaaaaaaa')).toBe(0)
    expect(await floor.read('not-an-id')).toBe(0)
    await expectVolumeError(floor.raise('vol-aaaaaaaaaaaaaaaaaaaa', 5), 'ENOENT')
    const store = new VolumeStore({ blobs })
    const volume = await store.create(`floor-bad-${Date.now().toString(36)}`)
    for (const token of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) await expectVolumeError(floor.raise(volume.volumeId, token), 'EINVAL')
  })
})
