import type { Storage } from '@google-cloud/storage'
import type {
  BlobBody, BlobCallOptions, BlobCapabilities, BlobCopyOptions, BlobDeleteResult, BlobGetOptions, BlobHead, BlobListOptions,
  BlobListPage, BlobMetadata, BlobPutOptions, BlobReadResult, BlobSetMetadataOptions, BlobStore,
} from '@volumes/core'
import { resolveContext, type GcsBlobStoreOptions, type GcsContext } from './config.js'
import { copyObject } from './copy.js'
import { deleteObjects } from './delete.js'
import { listObjects } from './list.js'
import { setObjectMetadata } from './metadata.js'
import { getObject, headObject } from './read.js'
import { putObject } from './write.js'

/**
 * A {@link BlobStore} on a Google Cloud Storage bucket (or an emulator: pass `apiEndpoint`).
 *
 * Conditional writes are generation preconditions decided by GCS; versions carry the
 * generation and metageneration; metadata updates are PATCHes; lists carry metadata; copies
 * run on the server. Besides the codec keys, objects get `gcsfuse_mtime` and the
 * `goog-reserved-posix-*` keys, and objects that only have those read back with codec keys.
 *
 * @example
 * const blobs = new GcsBlobStore({ bucket: 'my-bucket', prefix: 'volumes/' })
 * const emulated = new GcsBlobStore({ bucket: 'test', apiEndpoint: 'http://127.0.0.1:4443', projectId: 'test' })
 */
export class GcsBlobStore implements BlobStore {
  readonly capabilities: BlobCapabilities
  readonly #context: GcsContext

  constructor(options: GcsBlobStoreOptions) {
    this.#context = resolveContext(options)
    this.capabilities = {
      conditionalCreate: true,
      compareAndSwap: true,
      listMetadata: true,
      serverSideCopy: true,
      hierarchicalKeys: false,
      maxKeyBytes: this.#context.maxKeyBytes,
      maxSegmentBytes: Number.POSITIVE_INFINITY,
    }
  }

  /** The client in use (injected or built from the options). */
  get storage(): Storage {
    return this.#context.storage
  }

  /** The bucket name. */
  get bucket(): string {
    return this.#context.bucket.name
  }

  /** The prefix every key is stored under. */
  get prefix(): string {
    return this.#context.prefix
  }

  head(key: string, options?: BlobCallOptions): Promise<BlobHead | undefined> {
    return headObject(this.#context, key, options)
  }

  get(key: string, options?: BlobGetOptions): Promise<BlobReadResult> {
    return getObject(this.#context, key, options)
  }

  put(key: string, body: BlobBody, options?: BlobPutOptions): Promise<BlobHead> {
    return putObject(this.#context, key, body, options)
  }

  list(prefix: string, options?: BlobListOptions): Promise<BlobListPage> {
    return listObjects(this.#context, prefix, options)
  }

  delete(keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult> {
    return deleteObjects(this.#context, keys, options)
  }

  copy(sourceKey: string, destinationKey: string, options?: BlobCopyOptions): Promise<BlobHead> {
    return copyObject(this.#context, sourceKey, destinationKey, options)
  }

  setMetadata(key: string, metadata: BlobMetadata, options?: BlobSetMetadataOptions): Promise<BlobHead> {
    return setObjectMetadata(this.#context, key, metadata, options)
  }
}
