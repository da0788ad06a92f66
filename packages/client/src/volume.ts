import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import {
  isVolumeError,
  normalisePath,
  type CopyOptions,
  type EntryInfo,
  type ListOptions,
  type MakeDirOptions,
  type OwnershipOptions,
  type ReadFileOptions,
  type ReadFormat,
  type ReadResultByFormat,
  type RemoveOptions,
  type TransferOptions,
  type TransferSummary,
  type VolumeInfo,
  type WriteData,
  type WriteFileOptions,
  type ChangeItem,
  type VolumeWatch,
  type WatchDirOptions,
  type WatchHandle,
  type WatchOptions,
} from '@volumes/core'
import { resolveConnection, type ConnectionOptions } from './connection.js'
import type { CreateOptions, DestroyOptions, RequestOptions, TokenOptions, VolumeToken } from './options.js'
import { downloadDirectory } from './download-directory.js'
import { dateFromJson, entriesFromJson, entryFromJson, volumeInfoFromJson, volumeInfosFromJson } from './entry.js'
import { HttpClient } from './http.js'
import { openFileStream, readFileAs } from './read-file.js'
import { pathRoute, volumeRoute } from './routes.js'
import { uploadDirectory } from './upload-directory.js'
import { writeFileOver } from './write-file.js'
import { watchDirOverHttp, watchOverHttp } from './watch.js'

/**
 * A volume on a volumes server, with the methods, options, errors and streaming of
 * the library's `Volume` (and the E2B Volumes SDK's names). Errors are the library's
 * `VolumeError`, so `isVolumeError(e, 'ENOENT')` works the same on both.
 *
 * @example
 * const volume = await Volume.create('my-volume') // VOLUMES_API_URL, VOLUMES_API_KEY
 * await volume.writeFile('/hello.txt', 'Hello, world!')
 * console.log(await volume.readFile('/hello.txt'))
 */
export class Volume {
  /** The volume's record as the server returned it. */
  readonly info: VolumeInfo
  readonly #http: HttpClient

  /** A handle on a volume already known (no request); usually {@link Volume.connect} instead. */
  constructor(info: VolumeInfo, connection: ConnectionOptions = {}) {
    this.info = info
    this.#http = new HttpClient(resolveConnection(connection))
  }

  /** The volume's id (`vol-…`), stable for its lifetime. */
  get volumeId(): string {
    return this.info.volumeId
  }

  /** The volume's name, unique among its team's volumes. */
  get name(): string {
    return this.info.name
  }

  /**
   * Creates a volume. EINVAL for a bad name or size, EEXIST when the name is taken.
   *
   * @example
   * const volume = await Volume.create('my-volume', { sizeGb: 5, apiUrl: 'http://127.0.0.1:8080', apiKey })
   */
  static async create(name: string, options: CreateOptions = {}): Promise<Volume> {
    const http = new HttpClient(resolveConnection(options))
    const body = { name, sizeGb: options.sizeGb, region: options.region, labels: options.labels }
    const json = await http.json<unknown>({ method: 'POST', route: '/volumes', json: body, signal: options.signal, op: 'create', path: name })
    return new Volume(volumeInfoFromJson(json, 'create'), http.connection)
  }

  /** Opens an existing volume by id or name. ENOENT (reason `VolumeNotFound`) when there is none. */
  static async connect(idOrName: string, options: RequestOptions = {}): Promise<Volume> {
    const http = new HttpClient(resolveConnection(options))
    return new Volume(await Volume.#getInfo(http, idOrName, 'connect', options.signal), http.connection)
  }

  /** Every volume the key may see, sorted by name. */
  static async list(options: RequestOptions = {}): Promise<VolumeInfo[]> {
    const http = new HttpClient(resolveConnection(options))
    const json = await http.json<unknown>({ method: 'GET', route: '/volumes', signal: options.signal, op: 'list' })
    return volumeInfosFromJson(json, 'list')
  }

  /** One volume's record, by id or name. */
  static async getInfo(idOrName: string, options: RequestOptions = {}): Promise<VolumeInfo> {
    return Volume.#getInfo(new HttpClient(resolveConnection(options)), idOrName, 'getInfo', options.signal)
  }

  /**
   * Deletes a volume and everything in it: true, or false when there was none.
   * EBUSY while it is attached, unless `force`.
   */
  static async destroy(idOrName: string, options: DestroyOptions = {}): Promise<boolean> {
    const http = new HttpClient(resolveConnection(options))
    try {
      await http.empty({ method: 'DELETE', route: volumeRoute(idOrName, 'destroy'), query: { force: options.force === true }, signal: options.signal, op: 'destroy', path: idOrName })
      return true
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) return false
      throw error
    }
  }

  static async #getInfo(http: HttpClient, idOrName: string, op: string, signal: AbortSignal | undefined): Promise<VolumeInfo> {
    const json = await http.json<unknown>({ method: 'GET', route: volumeRoute(idOrName, op), signal, op, path: idOrName })
    return volumeInfoFromJson(json, op)
  }

  /**
   * Reads a file: text by default; `bytes`, `blob`, or `stream` (a web `ReadableStream`
   * straight from the response, never buffered) on request; a byte `range` optionally
   * (`start` inclusive, `end` exclusive).
   *
   * @example
   * const head = await volume.readFile('/log.txt', { range: { start: 0, end: 100 } })
   * const stream = await volume.readFile('/big.bin', { format: 'stream' })
   */
  readFile(path: string, options?: ReadFileOptions<'text'>): Promise<string>
  readFile<F extends ReadFormat>(path: string, options: ReadFileOptions<F> & { format: F }): Promise<ReadResultByFormat[F]>
  async readFile(path: string, options: ReadFileOptions = {}): Promise<unknown> {
    return readFileAs(this.#http, this.volumeId, normalisePath(path, 'readFile'), options)
  }

  /** Opens a file as a Node `Readable` (consume or destroy it). */
  async createReadStream(path: string, options: Omit<ReadFileOptions, 'format'> = {}): Promise<Readable> {
    const stream = await openFileStream(this.#http, this.volumeId, normalisePath(path, 'open'), options, 'open')
    return Readable.fromWeb(stream as NodeWebStream<Uint8Array>)
  }

  /**
   * Writes a whole file atomically, creating missing parents; streams are sent as
   * the request body as they are read. Returns the new entry's info.
   *
   * @example
   * await volume.writeFile('/data.bin', createReadStream('./data.bin'), { mode: 0o600 })
   */
  async writeFile(path: string, data: WriteData, options: WriteFileOptions = {}): Promise<EntryInfo> {
    return writeFileOver(this.#http, this.volumeId, normalisePath(path, 'writeFile'), data, options)
  }

  /** Creates a directory; with `force`, parents too and an existing directory is fine. */
  async makeDir(path: string, options: MakeDirOptions & { signal?: AbortSignal | undefined } = {}): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'mkdir')
    const { signal, ...body } = options
    return this.#entry({ method: 'POST', route: pathRoute(this.volumeId, 'dirs', normalised, 'mkdir'), json: body, signal, op: 'mkdir', path: normalised })
  }

  /** Lists a directory's entries, `depth` levels down (default 1, at most 10), sorted by name. */
  async list(path: string, options: ListOptions = {}): Promise<EntryInfo[]> {
    const normalised = normalisePath(path, 'list')
    const route = pathRoute(this.volumeId, 'list', normalised, 'list')
    const json = await this.#http.json<unknown>({ method: 'GET', route, query: { depth: options.depth }, signal: options.signal, op: 'list', path: normalised })
    return entriesFromJson(json, 'list')
  }

  /** Removes a file or an empty directory; `recursive` removes a whole tree; `force` ignores a missing path. */
  async remove(path: string, options: RemoveOptions = {}): Promise<void> {
    const normalised = normalisePath(path, 'rm')
    const query = { recursive: options.recursive === true, force: options.force === true }
    await this.#http.empty({ method: 'DELETE', route: pathRoute(this.volumeId, 'files', normalised, 'rm'), query, signal: options.signal, op: 'rm', path: normalised })
  }

  /** Describes one entry. ENOENT when missing; ENOTDIR when an ancestor is a file. */
  async getInfo(path: string, options: { signal?: AbortSignal | undefined } = {}): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'stat')
    return this.#entry({ method: 'GET', route: pathRoute(this.volumeId, 'stat', normalised, 'stat'), signal: options.signal, op: 'stat', path: normalised })
  }

  /** Whether something exists at `path`. Invalid paths still throw. */
  async exists(path: string, options: { signal?: AbortSignal | undefined } = {}): Promise<boolean> {
    try {
      await this.getInfo(path, options)
      return true
    } catch (error) {
      if (isVolumeError(error, 'ENOENT', 'ENOTDIR')) return false
      throw error
    }
  }

  /** Changes mode, uid and gid (and ctime), keeping the content. */
  async updateMetadata(path: string, changes: OwnershipOptions, options: { signal?: AbortSignal | undefined } = {}): Promise<EntryInfo> {
    const normalised = normalisePath(path, 'updateMetadata')
    const json = { mode: changes.mode, uid: changes.uid, gid: changes.gid }
    return this.#entry({ method: 'PATCH', route: pathRoute(this.volumeId, 'files', normalised, 'updateMetadata'), json, signal: options.signal, op: 'updateMetadata', path: normalised })
  }

  /** Renames a file or directory with POSIX rules. */
  async rename(from: string, to: string, options: { signal?: AbortSignal | undefined } = {}): Promise<EntryInfo> {
    const json = { from: normalisePath(from, 'rename'), to: normalisePath(to, 'rename') }
    return this.#entry({ method: 'POST', route: `${volumeRoute(this.volumeId, 'rename')}/rename`, json, signal: options.signal, op: 'rename', path: json.from })
  }

  /** Copies a file, or a directory with `recursive`, on the server. */
  async copy(from: string, to: string, options: CopyOptions = {}): Promise<EntryInfo> {
    const json = { from: normalisePath(from, 'copy'), to: normalisePath(to, 'copy'), recursive: options.recursive === true }
    return this.#entry({ method: 'POST', route: `${volumeRoute(this.volumeId, 'copy')}/copy`, json, signal: options.signal, op: 'copy', path: json.from })
  }

  /**
   * Uploads a local directory tree, walking it here and writing each file with
   * bounded concurrency, keeping permission bits and modification times.
   *
   * @example
   * await volume.uploadDirectory('./site', '/www', { concurrency: 8, onProgress: (p) => console.log(p.filesDone, p.filesTotal) })
   */
  async uploadDirectory(localDir: string, remoteDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
    return uploadDirectory(this, localDir, remoteDir, options)
  }

  /** Downloads a volume directory tree to the local disk with bounded concurrency and progress. */
  async downloadDirectory(remoteDir: string, localDir: string, options: TransferOptions = {}): Promise<TransferSummary> {
    return downloadDirectory(this, remoteDir, localDir, options)
  }

  /**
   * Makes a token scoped to this volume (optionally read-only, with an expiry) to hand
   * to a sandbox, which uses it as its `apiKey`.
   *
   * @example
   * const { token } = await volume.createToken({ readOnly: true, ttlSeconds: 3600 })
   * const inSandbox = await Volume.connect(volume.volumeId, { apiKey: token })
   */
  async createToken(options: TokenOptions = {}): Promise<VolumeToken> {
    const json = await this.#http.json<{ token?: unknown; expiresAt?: unknown }>({
      method: 'POST',
      route: `${volumeRoute(this.volumeId, 'createToken')}/tokens`,
      json: { readOnly: options.readOnly, ttlSeconds: options.ttlSeconds },
      signal: options.signal,
      op: 'createToken',
      path: this.name,
    })
    return { token: String(json.token), expiresAt: dateFromJson(json.expiresAt, 'createToken', 'expiresAt') }
  }

  /**
   * Watches a directory through the server (Server-Sent Events), as the library's `volume.watch`:
   * events and gaps; reconnects with the last cursor when the connection breaks.
   */
  watch(path: string, options: WatchOptions = {}): VolumeWatch {
    return watchOverHttp(this.#http, this.volumeId, normalisePath(path, 'watch'), options)
  }

  /** E2B's `watchDir`: calls `onEvent` for every event (and gap) until `stop()`; resolves once watching. */
  async watchDir(path: string, onEvent: (event: ChangeItem) => void | Promise<void>, options: WatchDirOptions = {}): Promise<WatchHandle> {
    return watchDirOverHttp(this.#http, this.volumeId, normalisePath(path, 'watch'), onEvent, options)
  }

  async #entry(request: Parameters<HttpClient['json']>[0]): Promise<EntryInfo> {
    return entryFromJson(await this.#http.json<unknown>(request), request.op)
  }
}
