import type { BlobCallOptions, BlobStore } from '../blob/blob-store.js'
import { VolumeError } from '../errors/volume-error.js'
import { forwardTo } from '../layers/layer.js'

/**
 * The mutating requests in flight per volume in this process, and the volumes being
 * destroyed: `destroy` closes a volume (every later mutating request through any of
 * its handles fails with ENOENT `VolumeNotFound`), waits for the requests already in
 * flight, and only then deletes the volume's objects — so a write that was running
 * when destroy began cannot land after its last sweep. Writers in other processes
 * are stopped by the deleted usage object (see `VolumeStore.destroy`).
 */
export class VolumeActivity {
  readonly #inFlight = new Map<string, Set<Promise<unknown>>>()
  readonly #closed = new Set<string>()

  /** Wraps a volume's store so that its mutating requests are counted and refused once the volume is closed. */
  track(inner: BlobStore, volumeId: string, name: string): BlobStore {
    const run = <T>(op: string, call: () => Promise<T>): Promise<T> => {
      if (this.#closed.has(volumeId)) {
        return Promise.reject(new VolumeError('ENOENT', { op, path: name, reason: 'VolumeNotFound', detail: `Volume "${name}" was destroyed` }))
      }
      const promise = call()
      let set = this.#inFlight.get(volumeId)
      if (!set) this.#inFlight.set(volumeId, (set = new Set()))
      const tracked = set
      tracked.add(promise)
      const done = (): void => {
        tracked.delete(promise)
        if (tracked.size === 0 && this.#inFlight.get(volumeId) === tracked) this.#inFlight.delete(volumeId)
      }
      promise.then(done, done)
      return promise
    }
    return forwardTo(inner, {
      put: (key, body, o) => run('writeFile', () => inner.put(key, body, o)),
      delete: (keys, o) => run('rm', () => inner.delete(keys, o)),
      ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, o?: BlobCallOptions) => run('rm', () => inner.deleteIfMatch!(key, version, o)) } : {}),
      copy: (from, to, o) => run('copy', () => inner.copy(from, to, o)),
      setMetadata: (key, metadata, o) => run('updateMetadata', () => inner.setMetadata(key, metadata, o)),
    })
  }

  /** Refuses the volume's later mutating requests and waits for those in flight (their failures are theirs). */
  async close(volumeId: string): Promise<void> {
    this.#closed.add(volumeId)
    for (let set = this.#inFlight.get(volumeId); set && set.size > 0; set = this.#inFlight.get(volumeId)) {
      await Promise.allSettled([...set])
    }
  }
}
