import { Readable } from 'node:stream'
import { VolumeError, type EntryInfo, type VolumeErrorCode, type VolumeInfo, type WriteData } from '@volumes/core'
import type { VolumeApi, VolumeApiFeature, VolumeLike } from '@volumes/testkit'
import { AuthenticationError, Volume, VolumeNotFoundError, VolumePathNotFoundError } from 'e2b'
import type { SdkConnection } from './fixture.js'

/** What the official SDK has no way to say; the conformance tests that need these are skipped. */
export const sdkLacks: readonly VolumeApiFeature[] = ['volumeOptions', 'ranges', 'nonRecursiveRemove', 'forceRemove', 'rename', 'copy', 'transfers', 'errorMessages']

/**
 * The SDK's errors as the suite's typed errors: 404 (whose message the SDK replaces) is
 * ENOENT; any other status keeps the server's message, which starts with the core code
 * (`409: EEXIST: file already exists, mkdir '/a'`). The message is the server's, as sent.
 */
function typed(error: unknown): unknown {
  if (error instanceof VolumePathNotFoundError || error instanceof VolumeNotFoundError) return withMessage(new VolumeError('ENOENT', { op: 'e2b' }), error.message, error)
  if (error instanceof AuthenticationError) return withMessage(new VolumeError('EACCES', { op: 'e2b' }), error.message, error)
  const match = error instanceof Error ? /^\d{3}: (E[A-Z]+): /.exec(error.message) : null
  if (!match) return error
  return withMessage(new VolumeError(match[1] as VolumeErrorCode, { op: 'e2b' }), (error as Error).message.slice(5), error)
}

function withMessage(error: VolumeError, message: string, cause: unknown): VolumeError {
  Object.defineProperty(error, 'message', { value: message })
  Object.defineProperty(error, 'cause', { value: cause })
  return error
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw typed(error)
  }
}

/** The options without their undefined members (the SDK's option types are exact). */
function defined<T extends object>(options: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}

const unsupported = (what: string): Promise<never> => Promise.reject(new Error(`the official E2B SDK has no ${what}`))

/** Write data the SDK takes as is (string, ArrayBuffer, Blob, web stream, bytes); Node streams and iterables become a web stream. */
function sdkData(data: WriteData): string | ArrayBuffer | Blob | ReadableStream<Uint8Array> {
  if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Blob || data instanceof ReadableStream || data instanceof Uint8Array) return data as string
  return Readable.toWeb(Readable.from(data as AsyncIterable<Uint8Array>)) as ReadableStream<Uint8Array>
}

/** One SDK `Volume` as the suite's `VolumeLike`: every call goes through the SDK's own method. */
function volumeLike(volume: Volume): VolumeLike {
  return {
    volumeId: volume.volumeId,
    name: volume.name,
    readFile: ((path: string, options: { format?: 'text' | 'bytes' | 'blob' | 'stream'; range?: unknown } = {}) => {
      if (options.range !== undefined) return unsupported('byte ranges')
      return call(() => volume.readFile(path, { format: (options.format ?? 'text') as 'text' }))
    }) as VolumeLike['readFile'],
    // mtime has no parameter in the SDK; only the many-entries listing passes one, and reads nothing back from it.
    writeFile: (path, data, options = {}) => call(() => volume.writeFile(path, sdkData(data), defined({
      mode: options.mode, uid: options.uid, gid: options.gid, force: options.exclusive ? false : undefined, signal: options.signal,
    }))) as Promise<EntryInfo>,
    makeDir: (path, options = {}) => call(() => volume.makeDir(path, defined({ mode: options.mode, uid: options.uid, gid: options.gid, force: options.force }))) as Promise<EntryInfo>,
    list: (path, options = {}) => call(() => volume.list(path, defined({ depth: options.depth }))) as Promise<EntryInfo[]>,
    remove: (path, options = {}) => (options.force ? unsupported('remove with force') : call(() => volume.remove(path))),
    getInfo: (path) => call(() => volume.getInfo(path)) as Promise<EntryInfo>,
    exists: (path) => call(() => volume.exists(path)),
    updateMetadata: (path, changes) => call(() => volume.updateMetadata(path, defined(changes))) as Promise<EntryInfo>,
    rename: () => unsupported('rename'),
    copy: () => unsupported('copy'),
    uploadDirectory: () => unsupported('uploadDirectory'),
    downloadDirectory: () => unsupported('downloadDirectory'),
  }
}

/**
 * The SDK's static `Volume` methods as the suite's `VolumeApi`. `connect` takes an id or a
 * name: the SDK's `connect` keeps the argument as the id, so a name is looked up first.
 */
export function sdkApi(connection: SdkConnection): VolumeApi {
  return {
    create: (name, options = {}) => (Object.keys(options).length > 0 ? unsupported('volume options') : call(async () => volumeLike(await Volume.create(name, connection)))),
    connect: (idOrName) => call(async () => volumeLike(await Volume.connect((await Volume.getInfo(idOrName, connection)).volumeId, connection))),
    list: () => call(() => Volume.list(connection)) as Promise<VolumeInfo[]>,
    getInfo: (idOrName) => call(() => Volume.getInfo(idOrName, connection)) as unknown as Promise<VolumeInfo>,
    destroy: (idOrName, options = {}) => (options.force ? unsupported('forced destroy') : call(() => Volume.destroy(idOrName, connection))),
  }
}
