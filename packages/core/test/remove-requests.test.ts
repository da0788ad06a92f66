import { describe, expect, it } from 'vitest'
import { forwardTo, MemoryBlobStore, VolumeStore, type BlobStore } from '@volumes/core'

/** Counts the requests of each kind, and the sequential rounds (a round is requests started while none was in flight). */
function counting(inner: BlobStore, conditionalDelete: boolean): { store: BlobStore; calls: string[]; reset(): void } {
  const calls: string[] = []
  const count = <T>(name: string, call: () => Promise<T>): Promise<T> => (calls.push(name), call())
  const store = forwardTo(inner, {
    head: (k, o) => count('head', () => inner.head(k, o)),
    get: (k, o) => count('get', () => inner.get(k, o)),
    put: (k, b, o) => count(k.startsWith('.registry/usage/') ? 'put usage' : 'put', () => inner.put(k, b, o)),
    list: (p, o) => count('list', () => inner.list(p, o)),
    delete: (k, o) => count('delete', () => inner.delete(k, o)),
    deleteIfMatch: (k, v, o) => count('deleteIfMatch', () => inner.deleteIfMatch!(k, v, o)),
    copy: (f, t, o) => count('copy', () => inner.copy(f, t, o)),
    setMetadata: (k, m, o) => count('setMetadata', () => inner.setMetadata(k, m, o)),
  })
  if (conditionalDelete) return { store, calls, reset: () => calls.splice(0) }
  const { deleteIfMatch: _none, ...rest } = store
  return { store: { ...rest, capabilities: { ...inner.capabilities, conditionalDelete: false } }, calls, reset: () => calls.splice(0) }
}

describe('remove: exact request counts', () => {
  it('with conditional deletes: the file head, a one-entry listing and the parent marker in parallel, one conditional delete, one usage write', async () => {
    const { store: blobs, calls, reset } = counting(new MemoryBlobStore(), true)
    const volume = await new VolumeStore({ blobs }).create('rm-native')
    await volume.writeFile('/dir/f', 'x')
    reset()
    await volume.remove('/dir/f')
    expect(calls.sort()).toEqual(['deleteIfMatch', 'head', 'head', 'list', 'put usage'])
  })

  it('without them (MinIO, fake-gcs-server): the removal claim adds one put, and the claim goes in one delete', async () => {
    const { store: blobs, calls, reset } = counting(new MemoryBlobStore(), false)
    const volume = await new VolumeStore({ blobs }).create('rm-claims')
    await volume.writeFile('/dir/f', 'x')
    reset()
    await volume.remove('/dir/f')
    expect(calls.sort()).toEqual(['delete', 'head', 'head', 'list', 'put', 'put usage'])
  })
})
