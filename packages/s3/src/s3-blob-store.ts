import type { S3Client } from '@aws-sdk/client-s3'
import {
  throwIfAborted, type BlobBody, type BlobCallOptions, type BlobCapabilities, type BlobCopyOptions, type BlobDeleteResult, type BlobGetOptions,
  type BlobHead, type BlobListOptions, type BlobListPage, type BlobMetadata, type BlobPutOptions, type BlobReadResult, type BlobSetMetadataOptions,
  type BlobStore,
} from '@volumes/core'
import { createS3Client } from './client.js'
import { probeServer, requireConditions } from './conditional-probe.js'
import { resolveOptions, type ResolvedTuning, type S3BlobStoreOptions } from './config.js'
import { createContext, type S3Context } from './context.js'
import { copy } from './copy.js'
import { deleteKeys } from './delete.js'
import { MINIO_MARKER_SUFFIX_BYTES, MINIO_MAX_SEGMENT_BYTES } from './errors.js'
import { list } from './list.js'
import { setMetadata } from './metadata.js'
import { get, head } from './read.js'
import { abortStaleUploads, type AbortStaleUploadsResult } from './uploads-cleanup.js'
import { put } from './write.js'

type MutableCapabilities = { -readonly [K in keyof BlobCapabilities]: BlobCapabilities[K] }

/**
 * A BlobStore on Amazon S3 or any S3-compatible server (MinIO, R2 — see `R2BlobStore`),
 * with `@aws-sdk/client-s3` and `@aws-sdk/lib-storage`.
 *
 * On first use (or `await store.ready()`, or `S3BlobStore.open()`), the store probes whether the
 * server honours conditional writes and, for MinIO, whether listings can carry metadata; the
 * `capabilities` object is updated in place with what it found (layers that captured it see the
 * update), and conditional operations the server does not honour fail with ENOTSUP.
 * Read `capabilities` after `ready()`: before, it holds the optimistic defaults.
 *
 * Versions are `<ETag>#<revision>`: the revision, a random token kept in user metadata
 * (`volumes-rev`, hidden), changes on metadata-only updates, which S3's ETag does not. The
 * server checks the ETag of an `ifMatch`; the adapter checks the revision with a HEAD just
 * before (see `revisionCheck`), so a metadata-only update landing within that one round trip
 * goes unnoticed.
 *
 * @example
 * const blobs = await S3BlobStore.open({ bucket: 'my-bucket', prefix: 'volumes/', region: 'eu-west-1' })
 */
export class S3BlobStore implements BlobStore {
  /** The client in use (built from the options unless one was injected). */
  readonly client: S3Client
  readonly bucket: string
  readonly prefix: string
  readonly capabilities: BlobCapabilities
  readonly #capabilities: MutableCapabilities
  readonly #context: S3Context
  readonly #tuning: ResolvedTuning
  readonly #ownsClient: boolean
  #probe: Promise<BlobCapabilities> | undefined
  #listMetadata: boolean

  constructor(options: S3BlobStoreOptions) {
    const { client, bucket, prefix, tuning, clientConfig } = resolveOptions(options)
    this.#ownsClient = client === undefined
    this.client = client ?? createS3Client(clientConfig, tuning)
    this.bucket = bucket
    this.prefix = prefix
    this.#tuning = tuning
    this.#context = createContext(this.client, bucket, prefix, tuning)
    const conditional = tuning.conditionalWrites !== 'off'
    this.#listMetadata = tuning.listMetadata === true
    this.#capabilities = {
      conditionalCreate: conditional,
      compareAndSwap: conditional,
      listMetadata: this.#listMetadata,
      serverSideCopy: true,
      hierarchicalKeys: false,
      maxKeyBytes: this.#context.maxKeyBytes,
      maxSegmentBytes: Number.POSITIVE_INFINITY,
    }
    this.capabilities = this.#capabilities
  }

  /** Builds a store and waits for its probe, so that `capabilities` is final. */
  static async open<T extends S3BlobStore, O>(this: new (options: O) => T, options: O): Promise<T> {
    const store = new this(options)
    await store.ready()
    return store
  }

  /**
   * Probes the server once (see {@link ConditionalWritesMode} and `listMetadata`) and settles
   * `capabilities`. A failed probe (server unreachable) rejects and is tried again on the next call.
   */
  ready(options?: BlobCallOptions): Promise<BlobCapabilities> {
    this.#probe ??= this.#runProbe(options?.signal).catch((error: unknown) => {
      this.#probe = undefined
      throw error
    })
    return this.#probe
  }

  async #runProbe(signal: AbortSignal | undefined): Promise<BlobCapabilities> {
    const checkConditional = this.#tuning.conditionalWrites === 'probe'
    const checkList = this.#tuning.listMetadata === 'probe'
    if (checkConditional || checkList) {
      const found = await probeServer(this.#context, checkConditional, checkList, signal)
      if (checkConditional) {
        this.#capabilities.conditionalCreate = found.conditionalCreate
        this.#capabilities.compareAndSwap = found.compareAndSwap
      }
      if (checkList) this.#listMetadata = this.#capabilities.listMetadata = found.listMetadata
      if (/minio/i.test(found.server ?? '')) {
        this.#capabilities.maxSegmentBytes = MINIO_MAX_SEGMENT_BYTES
        // MinIO keeps the marker `d/` on its disk as `d__XLDIR__`.
        this.#capabilities.markerSuffixBytes = MINIO_MARKER_SUFFIX_BYTES
      }
    }
    return this.capabilities
  }

  /** {@inheritDoc BlobStore.head} */
  head(key: string, options?: BlobCallOptions): Promise<BlobHead | undefined> {
    return head(this.#context, key, options)
  }

  /** {@inheritDoc BlobStore.get} */
  get(key: string, options?: BlobGetOptions): Promise<BlobReadResult> {
    return get(this.#context, key, options)
  }

  /** {@inheritDoc BlobStore.put} */
  async put(key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobHead> {
    throwIfAborted(options.signal, 'put', key)
    if (options.ifNoneMatch !== undefined || options.ifMatch !== undefined) {
      requireConditions(await this.ready(options), options, 'put', key)
    }
    return put(this.#context, key, body, options)
  }

  /** {@inheritDoc BlobStore.list} */
  async list(prefix: string, options: BlobListOptions = {}): Promise<BlobListPage> {
    throwIfAborted(options.signal, 'list', prefix)
    if (this.#tuning.listMetadata === 'probe') await this.ready(options)
    return list(this.#context, prefix, options, this.#listMetadata)
  }

  /** {@inheritDoc BlobStore.delete} */
  delete(keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult> {
    return deleteKeys(this.#context, keys, options)
  }

  /** {@inheritDoc BlobStore.copy} */
  async copy(sourceKey: string, destinationKey: string, options: BlobCopyOptions = {}): Promise<BlobHead> {
    throwIfAborted(options.signal, 'copy', sourceKey)
    if (options.ifNoneMatch !== undefined) requireConditions(await this.ready(options), options, 'copy', destinationKey)
    return copy(this.#context, sourceKey, destinationKey, options)
  }

  /** {@inheritDoc BlobStore.setMetadata} */
  setMetadata(key: string, metadata: BlobMetadata, options?: BlobSetMetadataOptions): Promise<BlobHead> {
    return setMetadata(this.#context, key, metadata, options)
  }

  /**
   * Aborts multipart uploads under the prefix older than `olderThanMs` (left by writers that
   * crashed mid-upload; never visible as objects, but their parts use storage).
   */
  abortStaleUploads(olderThanMs: number, options?: BlobCallOptions): Promise<AbortStaleUploadsResult> {
    return abortStaleUploads(this.#context, olderThanMs, options)
  }

  /** Closes the sockets of a client the store built (an injected client is left alone). */
  destroy(): void {
    if (this.#ownsClient) this.client.destroy()
  }
}
