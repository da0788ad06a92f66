import type { Readable } from 'node:stream'

/**
 * User metadata attached to an object. Keys are lowercase ASCII letters, digits,
 * `-` and `_` (S3 lowercases keys; GCS and the disk keep them as given).
 * Values are printable ASCII: adapters do not escape them.
 */
export type BlobMetadata = Record<string, string>

/** What an adapter can do. The core gates behaviour on these, never on the adapter's type. */
export interface BlobCapabilities {
  /** `put`/`copy` honour `ifNoneMatch: '*'` atomically. Without it, exclusive creates fail with ENOTSUP. */
  readonly conditionalCreate: boolean
  /** `put`/`setMetadata` honour `ifMatch: <version>` atomically (compare-and-swap). */
  readonly compareAndSwap: boolean
  /** `list` returns each object's user metadata, so listings cost no per-object `head`. */
  readonly listMetadata: boolean
  /** `copy` runs on the server without streaming the bytes through this process. */
  readonly serverSideCopy: boolean
  /**
   * Keys are paths on a real file system: a key cannot be both an object and a
   * prefix of other keys (`a` and `a/b`). Writing one while the other exists is ENOTDIR / EISDIR.
   */
  readonly hierarchicalKeys: boolean
  /**
   * `deleteIfMatch` exists and deletes atomically only the version given. Without it,
   * core claims an object before deleting it by a conditional `put` (see `removal-claims.ts`).
   */
  readonly conditionalDelete?: boolean | undefined
  /** Longest key, in UTF-8 bytes, the backend accepts (after the adapter's own prefix). */
  readonly maxKeyBytes: number
  /** Longest key segment between slashes, in UTF-8 bytes (255 on disks, unlimited on buckets). */
  readonly maxSegmentBytes: number
  /**
   * Bytes the backend appends to a directory marker's last segment on its own disk (MinIO
   * stores `d/` as `d__XLDIR__`: 9), so directory names may be that much shorter.
   */
  readonly markerSuffixBytes?: number | undefined
}

/** An object's description, as returned by `head`, `put`, `copy`, `setMetadata` and `list`. */
export interface BlobHead {
  readonly key: string
  readonly size: number
  /**
   * Opaque version that changes on every write of data or metadata: an ETag, a GCS
   * generation+metageneration, a file identity. Pass it back as `ifMatch`.
   */
  readonly version: string
  readonly lastModified: Date
  readonly contentType?: string | undefined
  /** User metadata. `undefined` in `list` results when the backend does not return it (see `capabilities.listMetadata`). */
  readonly metadata?: BlobMetadata | undefined
}

/** A byte range, inclusive of `start`, exclusive of `end` (`end` omitted: to the end of the object). */
export interface ByteRange {
  readonly start: number
  readonly end?: number | undefined
}

/** Options shared by every call. */
export interface BlobCallOptions {
  /** Stops the call; it then rejects with ECANCELED. */
  readonly signal?: AbortSignal | undefined
}

/** Options of {@link BlobStore.get}. */
export interface BlobGetOptions extends BlobCallOptions {
  readonly range?: ByteRange | undefined
}

/** The result of {@link BlobStore.get}. The caller must consume or `destroy()` the body. */
export interface BlobReadResult {
  readonly head: BlobHead
  readonly body: Readable
}

/** A body for `put`: bytes, or a stream of bytes (Node `Readable` is one). */
export type BlobBody = Uint8Array | AsyncIterable<Uint8Array>

/** Conditions for writes. At most one of the two may be given. */
export interface BlobWriteConditions {
  /** `'*'`: write only if no object exists at the key. */
  readonly ifNoneMatch?: '*' | undefined
  /** Write only if the object's current version is this one. */
  readonly ifMatch?: string | undefined
}

/** Options of {@link BlobStore.put}. */
export interface BlobPutOptions extends BlobCallOptions, BlobWriteConditions {
  readonly metadata?: BlobMetadata | undefined
  readonly contentType?: string | undefined
  /** The body's length when known: lets adapters choose a single request over a multipart upload. */
  readonly contentLength?: number | undefined
}

/** Options of {@link BlobStore.list}. */
export interface BlobListOptions extends BlobCallOptions {
  /** Groups keys that contain the delimiter after the prefix into `prefixes` (only `'/'` is supported). */
  readonly delimiter?: '/' | undefined
  /** Start after this point: the `cursor` of the previous page. */
  readonly cursor?: string | undefined
  /** Most entries (objects + prefixes) in one page; adapters may return fewer. Default 1000. */
  readonly limit?: number | undefined
}

/** One page of {@link BlobStore.list}. */
export interface BlobListPage {
  /** Objects in ascending byte order of their keys. */
  readonly objects: readonly BlobHead[]
  /** Common prefixes (each ending with the delimiter), in ascending byte order. */
  readonly prefixes: readonly string[]
  /** Present when more entries follow; pass it back as `cursor`. */
  readonly cursor?: string | undefined
}

/** Per-key outcome of {@link BlobStore.delete}. */
export interface BlobDeleteResult {
  /** Keys that are gone now (including keys that never existed). */
  readonly deleted: readonly string[]
  /** Keys that could not be deleted, with why. */
  readonly failed: readonly { readonly key: string; readonly error: Error }[]
}

/** Options of {@link BlobStore.copy}. */
export interface BlobCopyOptions extends BlobCallOptions {
  /** Replace the metadata on the copy; omitted, the source's metadata is kept. */
  readonly metadata?: BlobMetadata | undefined
  readonly contentType?: string | undefined
  /** `'*'`: copy only if the destination does not exist. */
  readonly ifNoneMatch?: '*' | undefined
}

/** Options of {@link BlobStore.setMetadata}. */
export interface BlobSetMetadataOptions extends BlobCallOptions {
  /** Only if the object's current version is this one. */
  readonly ifMatch?: string | undefined
  readonly contentType?: string | undefined
}

/**
 * Object primitives: the small contract every storage adapter implements.
 *
 * Adapters translate; they hold no POSIX rules, no retries, no path logic. Keys
 * are relative to the adapter's own prefix. Every failure is a `VolumeError`;
 * errors a retry may cure (throttling, 5xx, resets) are marked `temporary`.
 */
export interface BlobStore {
  readonly capabilities: BlobCapabilities

  /**
   * Describes one object.
   * Behavior: missing key → `undefined` (not an error). Existing key → its head with metadata.
   */
  head(key: string, options?: BlobCallOptions): Promise<BlobHead | undefined>

  /**
   * Reads an object, or a byte range of it, as a stream.
   * Behavior: missing key → ENOENT. A range starting past the end → EINVAL (reason `RangeNotSatisfiable`);
   * an `end` past the size is clamped. A reader never sees a partially written object.
   */
  get(key: string, options?: BlobGetOptions): Promise<BlobReadResult>

  /**
   * Writes a whole object atomically: readers see the old object or the new one, never a part.
   * Behavior: missing key → created. Existing key → replaced (data and metadata).
   * Failed `ifNoneMatch`/`ifMatch` → EPRECONDITION and nothing written. `ifMatch` on a missing key → EPRECONDITION.
   * A stream body that errors → the error, and nothing written.
   */
  put(key: string, body: BlobBody, options?: BlobPutOptions): Promise<BlobHead>

  /**
   * Lists objects whose keys start with `prefix`, in ascending byte order.
   * Behavior: nothing under the prefix → an empty page (not an error).
   */
  list(prefix: string, options?: BlobListOptions): Promise<BlobListPage>

  /**
   * Deletes many keys in as few requests as the backend allows.
   * Behavior: missing keys count as deleted. Per-key failures are reported, not thrown;
   * only a failure of the whole call throws.
   */
  delete(keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult>

  /**
   * Deletes one object only if its current version is `version` (present when
   * `capabilities.conditionalDelete`).
   * Behavior: matching version → deleted. Other version or missing key → EPRECONDITION and nothing deleted.
   */
  deleteIfMatch?(key: string, version: string, options?: BlobCallOptions): Promise<void>

  /**
   * Copies an object, on the server where the backend can.
   * Behavior: missing source → ENOENT. Existing destination → replaced, unless `ifNoneMatch: '*'` (then EPRECONDITION).
   */
  copy(sourceKey: string, destinationKey: string, options?: BlobCopyOptions): Promise<BlobHead>

  /**
   * Replaces an object's user metadata (all of it), keeping its data.
   * Behavior: missing key → ENOENT. Failed `ifMatch` → EPRECONDITION and nothing changed.
   */
  setMetadata(key: string, metadata: BlobMetadata, options?: BlobSetMetadataOptions): Promise<BlobHead>
}
