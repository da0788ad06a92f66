import type {
  BlobBody, BlobCallOptions, BlobCapabilities, BlobCopyOptions, BlobDeleteResult, BlobGetOptions, BlobHead,
  BlobListOptions, BlobListPage, BlobMetadata, BlobPutOptions, BlobReadResult, BlobSetMetadataOptions, BlobStore,
} from '@volumes/core'
import { resolveConfig, type LocalBlobStoreOptions } from './config.js'
import type { StoreContext } from './context.js'
import { copyObject } from './copy.js'
import { deleteObjectIfMatch, deleteObjects } from './delete.js'
import { DirSyncer } from './dir-sync.js'
import { toVolumeError } from './errors.js'
import { MAX_KEY_BYTES, MAX_SEGMENT_BYTES } from './key-rules.js'
import { Layout } from './layout.js'
import { listObjects } from './list.js'
import { KeyLocks } from './lock.js'
import { setObjectMetadata } from './metadata.js'
import { getObject, headObject } from './read.js'
import { prepareRoot } from './setup.js'
import { putObject } from './write.js'

/**
 * A BlobStore on the local disk. Objects are plain files under `root` that a person can browse
 * (`a/b.txt` is `<root>/a/b.txt`); a key ending in `/` is a directory marker, a real directory.
 * Metadata, temporary files and locks live in `<root>/.volumes-local/`, a reserved name.
 *
 * Writes are atomic (temporary file, fsync, rename), conditional writes are atomic across
 * processes (per-key locks, and a hard link for `ifNoneMatch`), and a crash at any point leaves
 * the old object or the new one, never a mix of one's data with the other's metadata.
 *
 * @example
 * const blobs = new LocalBlobStore({ root: '/data/volumes' })
 * await blobs.put('vol-1/hello.txt', new TextEncoder().encode('hi'), { ifNoneMatch: '*' })
 */
export class LocalBlobStore implements BlobStore {
  readonly capabilities: BlobCapabilities = {
    conditionalCreate: true,
    compareAndSwap: true,
    listMetadata: true,
    serverSideCopy: true,
    hierarchicalKeys: true,
    conditionalDelete: true,
    maxKeyBytes: MAX_KEY_BYTES,
    maxSegmentBytes: MAX_SEGMENT_BYTES,
  }
  /** The absolute directory that holds the objects. */
  readonly root: string
  readonly #ctx: StoreContext
  #prepared: Promise<void> | undefined

  constructor(options: LocalBlobStoreOptions) {
    const config = resolveConfig(options)
    const layout = new Layout(config.root)
    this.root = config.root
    this.#ctx = { config, layout, locks: new KeyLocks(config.lockStaleMs), dirs: new DirSyncer(), ready: () => this.#ready() }
  }

  head(key: string, options?: BlobCallOptions): Promise<BlobHead | undefined> {
    return headObject(this.#ctx, key, options)
  }

  get(key: string, options?: BlobGetOptions): Promise<BlobReadResult> {
    return getObject(this.#ctx, key, options)
  }

  put(key: string, body: BlobBody, options?: BlobPutOptions): Promise<BlobHead> {
    return putObject(this.#ctx, key, body, options)
  }

  list(prefix: string, options?: BlobListOptions): Promise<BlobListPage> {
    return listObjects(this.#ctx, prefix, options)
  }

  delete(keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult> {
    return deleteObjects(this.#ctx, keys, options)
  }

  deleteIfMatch(key: string, version: string, options?: BlobCallOptions): Promise<void> {
    return deleteObjectIfMatch(this.#ctx, key, version, options)
  }

  copy(sourceKey: string, destinationKey: string, options?: BlobCopyOptions): Promise<BlobHead> {
    return copyObject(this.#ctx, sourceKey, destinationKey, options)
  }

  setMetadata(key: string, metadata: BlobMetadata, options?: BlobSetMetadataOptions): Promise<BlobHead> {
    return setObjectMetadata(this.#ctx, key, metadata, options)
  }

  #ready(): Promise<void> {
    this.#prepared ??= prepareRoot(this.#ctx.layout).catch((error: unknown) => {
      this.#prepared = undefined
      throw toVolumeError(error, 'prepare', this.root)
    })
    return this.#prepared
  }
}
