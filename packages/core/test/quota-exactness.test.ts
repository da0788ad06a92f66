import { describe } from 'vitest'
import { forwardTo, MemoryBlobStore, type BlobStore } from '@volumes/core'
import { runVolumeConcurrencyTests } from '@volumes/testkit'
import { setTimeout as delay } from 'node:timers/promises'

/** Memory with every request delayed 0–3 ms at random, so that concurrent operations really interleave. */
function jittered(options: { conditionalDelete: boolean }): BlobStore {
  const inner = new MemoryBlobStore()
  const later = async <T>(call: () => Promise<T>): Promise<T> => {
    await delay(Math.random() * 3)
    return call()
  }
  const store = forwardTo(inner, {
    head: (k, o) => later(() => inner.head(k, o)),
    get: (k, o) => later(() => inner.get(k, o)),
    put: (k, b, o) => later(() => inner.put(k, b, o)),
    list: (p, o) => later(() => inner.list(p, o)),
    delete: (k, o) => later(() => inner.delete(k, o)),
    deleteIfMatch: (k, v, o) => later(() => inner.deleteIfMatch(k, v, o)),
    copy: (f, t, o) => later(() => inner.copy(f, t, o)),
    setMetadata: (k, m, o) => later(() => inner.setMetadata(k, m, o)),
  })
  if (options.conditionalDelete) return store
  // As MinIO and fake-gcs-server: no conditional delete, so removes go through removal claims.
  const { deleteIfMatch: _none, ...rest } = store
  return { ...rest, capabilities: { ...inner.capabilities, conditionalDelete: false } }
}

describe('memory with jitter, conditional deletes', () => {
  const blobs = jittered({ conditionalDelete: true })
  runVolumeConcurrencyTests(() => blobs, 100)
})

describe('memory with jitter, removal claims (no conditional delete)', () => {
  const blobs = jittered({ conditionalDelete: false })
  runVolumeConcurrencyTests(() => blobs, 100)
})
