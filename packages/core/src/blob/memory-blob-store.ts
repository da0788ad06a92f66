import { Readable } from 'node:stream'
import { VolumeError } from '../errors/volume-error.js'
import { throwIfAborted } from '../util/abort.js'
import { collectBytes } from './body.js'
import type {
  BlobBody, BlobCallOptions, BlobCapabilities, BlobCopyOptions, BlobDeleteResult, BlobGetOptions, BlobHead,
  BlobListOptions, BlobListPage, BlobMetadata, BlobPutOptions, BlobReadResult, BlobSetMetadataOptions, BlobStore,
  BlobWriteConditions,
} from './blob-store.js'
import { compareKeys, groupByDelimiter } from './keys.js'

interface StoredObject {
  readonly data: Uint8Array
  readonly head: BlobHead
}

/**
 * A BlobStore in process memory: the reference implementation of the contract,
 * for tests and for throw-away volumes. Not for large data.
 */
export class MemoryBlobStore implements BlobStore {
  readonly capabilities: BlobCapabilities = {
    conditionalCreate: true,
    compareAndSwap: true,
    listMetadata: true,
    serverSideCopy: true,
    hierarchicalKeys: false,
    conditionalDelete: true,
    maxKeyBytes: 1024,
    maxSegmentBytes: Number.POSITIVE_INFINITY,
  }
  readonly #objects = new Map<string, StoredObject>()
  #nextVersion = 1

  async head(key: string, options?: BlobCallOptions): Promise<BlobHead | undefined> {
    throwIfAborted(options?.signal, 'head', key)
    return this.#objects.get(key)?.head
  }

  async get(key: string, options?: BlobGetOptions): Promise<BlobReadResult> {
    throwIfAborted(options?.signal, 'get', key)
    const stored = this.#require(key, 'get')
    const { start = 0, end = stored.data.byteLength } = options?.range ?? {}
    if (start > stored.data.byteLength || (start === stored.data.byteLength && start > 0) || start < 0 || end < start) {
      throw new VolumeError('EINVAL', { op: 'get', path: key, reason: 'RangeNotSatisfiable', detail: `range ${start}-${end} not satisfiable for ${stored.data.byteLength} bytes` })
    }
    const slice = stored.data.subarray(start, Math.min(end, stored.data.byteLength))
    return { head: stored.head, body: Readable.from([Buffer.from(slice)]) }
  }

  async put(key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobHead> {
    throwIfAborted(options.signal, 'put', key)
    const data = body instanceof Uint8Array ? Uint8Array.from(body) : await collectBytes(body)
    throwIfAborted(options.signal, 'put', key)
    this.#checkConditions(key, options, 'put')
    return this.#store(key, data, options.metadata ?? {}, options.contentType)
  }

  async list(prefix: string, options: BlobListOptions = {}): Promise<BlobListPage> {
    throwIfAborted(options.signal, 'list', prefix)
    const limit = options.limit ?? 1000
    const keys = [...this.#objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys)
    const objects: BlobHead[] = []
    const prefixes: string[] = []
    let last: string | undefined
    for (const key of keys) {
      const entry = groupByDelimiter(prefix, key, options.delimiter)
      const name = 'key' in entry ? entry.key : entry.prefix
      if (options.cursor !== undefined && compareKeys(name, options.cursor) <= 0) continue
      if (name === last) continue
      if (objects.length + prefixes.length >= limit) return { objects, prefixes, cursor: last }
      if ('key' in entry) objects.push(this.#objects.get(key)!.head)
      else prefixes.push(entry.prefix)
      last = name
    }
    return { objects, prefixes }
  }

  async delete(keys: readonly string[], options?: BlobCallOptions): Promise<BlobDeleteResult> {
    throwIfAborted(options?.signal, 'delete')
    for (const key of keys) this.#objects.delete(key)
    return { deleted: [...keys], failed: [] }
  }

  async deleteIfMatch(key: string, version: string, options?: BlobCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'delete', key)
    this.#checkConditions(key, { ifMatch: version }, 'delete')
    this.#objects.delete(key)
  }

  async copy(sourceKey: string, destinationKey: string, options: BlobCopyOptions = {}): Promise<BlobHead> {
    throwIfAborted(options.signal, 'copy', sourceKey)
    const source = this.#require(sourceKey, 'copy')
    this.#checkConditions(destinationKey, options, 'copy')
    return this.#store(destinationKey, source.data, options.metadata ?? source.head.metadata ?? {}, options.contentType ?? source.head.contentType)
  }

  async setMetadata(key: string, metadata: BlobMetadata, options: BlobSetMetadataOptions = {}): Promise<BlobHead> {
    throwIfAborted(options.signal, 'setMetadata', key)
    const stored = this.#require(key, 'setMetadata')
    this.#checkConditions(key, options, 'setMetadata')
    return this.#store(key, stored.data, metadata, options.contentType ?? stored.head.contentType)
  }

  #require(key: string, op: string): StoredObject {
    const stored = this.#objects.get(key)
    if (!stored) throw new VolumeError('ENOENT', { op, path: key })
    return stored
  }

  #checkConditions(key: string, conditions: BlobWriteConditions, op: string): void {
    const current = this.#objects.get(key)
    if (conditions.ifNoneMatch === '*' && current) throw new VolumeError('EPRECONDITION', { op, path: key, detail: 'object exists' })
    if (conditions.ifMatch !== undefined && current?.head.version !== conditions.ifMatch) {
      throw new VolumeError('EPRECONDITION', { op, path: key, detail: 'version does not match' })
    }
  }

  #store(key: string, data: Uint8Array, metadata: BlobMetadata, contentType: string | undefined): BlobHead {
    const head: BlobHead = { key, size: data.byteLength, version: String(this.#nextVersion++), lastModified: new Date(), contentType, metadata: { ...metadata } }
    this.#objects.set(key, { data, head })
    return head
  }
}
