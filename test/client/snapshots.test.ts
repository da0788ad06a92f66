import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Attachment, isVolumeError, Snapshots, Volume, type VolumeError } from '@volumes/client'
import { startLocalServer, type ServerFixture } from './fixture.js'

let fixture: ServerFixture
const unique = (): string => `s-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const rejection = async (promise: Promise<unknown>): Promise<VolumeError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), String(error)).toBe(true)
  return error as VolumeError
}

beforeAll(async () => {
  fixture = await startLocalServer()
})
afterAll(async () => {
  await fixture.close()
})

describe('snapshots through the HTTP API', () => {
  it('snapshot, list, fork, restore, delete; typed errors; other team: 404', async () => {
    const c = fixture.connection
    const volume = await Volume.create(unique(), c)
    await volume.writeFile('/app/state.json', '{"step":1}', { mode: 0o600 })
    const snap = await Snapshots.create(volume.name, { ...c, name: 'step-1', labels: { why: 'checkpoint' } })
    expect(snap).toMatchObject({ volumeId: volume.volumeId, name: 'step-1', files: 1, bytes: 10, labels: { why: 'checkpoint' } })
    expect((await Snapshots.list(volume.volumeId, c)).map((s) => s.snapshotId)).toEqual([snap.snapshotId])
    expect((await Snapshots.get(snap.snapshotId, c)).createdAt).toBeInstanceOf(Date)
    await volume.writeFile('/app/state.json', '{"step":2}')
    const branch = await Snapshots.fork(snap.snapshotId, unique(), c)
    expect(await branch.readFile('/app/state.json')).toBe('{"step":1}')
    expect((await branch.getInfo('/app/state.json')).mode & 0o777).toBe(0o600)
    expect((await rejection(Snapshots.fork(snap.snapshotId, volume.name, c))).code).toBe('EEXIST')
    const attachment = await Attachment.attach('sandbox-x', { '/w': volume.volumeId }, c)
    expect((await rejection(Snapshots.restore(volume.name, snap.snapshotId, c))).code).toBe('EBUSY')
    await Attachment.release(attachment.holderId, c)
    await Snapshots.restore(volume.name, snap.snapshotId, c)
    expect(await volume.readFile('/app/state.json')).toBe('{"step":1}')
    expect((await rejection(Snapshots.get(snap.snapshotId, { apiUrl: fixture.url, apiKey: fixture.otherKey }))).code).toBe('ENOENT')
    const missing = await rejection(Snapshots.get('snap-aaaaaaaaaaaaaaaaaaaa', c))
    expect([missing.code, missing.reason]).toEqual(['ENOENT', 'SnapshotNotFound'])
    expect((await rejection(Volume.destroy(volume.volumeId, c))).code).toBe('EBUSY')
    expect(await Snapshots.delete(snap.snapshotId, c)).toBe(true)
    expect(await Snapshots.delete(snap.snapshotId, c)).toBe(false)
    expect(await Volume.destroy(volume.volumeId, c)).toBe(true)
    expect(await Volume.destroy(branch.volumeId, c)).toBe(true)
  })
})
