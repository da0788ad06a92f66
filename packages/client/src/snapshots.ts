import type { VolumeInfo } from '@volumes/core'
import { isVolumeError } from '@volumes/core'
import { resolveConnection, type ConnectionOptions } from './connection.js'
import { dateFromJson, volumeInfoFromJson } from './entry.js'
import { HttpClient } from './http.js'
import { volumeRoute } from './routes.js'
import { Volume } from './volume.js'

/** A snapshot as the server describes it. */
export interface SnapshotInfo {
  readonly snapshotId: string
  readonly volumeId: string
  readonly name: string | undefined
  readonly createdAt: Date
  readonly files: number
  readonly bytes: number
  readonly labels: Readonly<Record<string, string>>
}

/** Connection and signal of one call. */
export type SnapshotRequestOptions = ConnectionOptions & { readonly signal?: AbortSignal | undefined }

function snapshotRoute(snapshotId: string): string {
  return `/snapshots/${encodeURIComponent(snapshotId)}`
}

function snapshotFromJson(json: unknown, op: string): SnapshotInfo {
  const value = json as Record<string, unknown>
  return {
    snapshotId: String(value.snapshotId),
    volumeId: String(value.volumeId),
    name: typeof value.name === 'string' ? value.name : undefined,
    createdAt: dateFromJson(value.createdAt, op, 'createdAt'),
    files: Number(value.files),
    bytes: Number(value.bytes),
    labels: { ...(value.labels as Record<string, string> | undefined) },
  }
}

/**
 * Snapshots, fork and restore through the server, as the library's `volume.snapshot()`,
 * `store.fork()`, `volume.restore()`... Errors are the library's `VolumeError`s.
 *
 * @example
 * const snap = await Snapshots.create('my-volume', { name: 'before-upgrade' })
 * const branch = await Snapshots.fork(snap.snapshotId, 'my-volume-try')
 * await Snapshots.restore('my-volume', snap.snapshotId)
 */
export const Snapshots = {
  /** Snapshots a volume (one point in time). */
  async create(volume: string, options: SnapshotRequestOptions & { name?: string; labels?: Record<string, string> } = {}): Promise<SnapshotInfo> {
    const http = new HttpClient(resolveConnection(options))
    const json = await http.json<unknown>({ method: 'POST', route: `${volumeRoute(volume, 'createSnapshot')}/snapshots`, json: { name: options.name, labels: options.labels }, signal: options.signal, op: 'createSnapshot', path: volume })
    return snapshotFromJson(json, 'createSnapshot')
  },

  /** A volume's snapshots, oldest first. */
  async list(volume: string, options: SnapshotRequestOptions = {}): Promise<SnapshotInfo[]> {
    const http = new HttpClient(resolveConnection(options))
    const json = await http.json<unknown[]>({ method: 'GET', route: `${volumeRoute(volume, 'listSnapshots')}/snapshots`, signal: options.signal, op: 'listSnapshots', path: volume })
    return json.map((item) => snapshotFromJson(item, 'listSnapshots'))
  },

  /** One snapshot; ENOENT (reason `SnapshotNotFound`) when there is none. */
  async get(snapshotId: string, options: SnapshotRequestOptions = {}): Promise<SnapshotInfo> {
    const http = new HttpClient(resolveConnection(options))
    return snapshotFromJson(await http.json<unknown>({ method: 'GET', route: snapshotRoute(snapshotId), signal: options.signal, op: 'getSnapshot', path: snapshotId }), 'getSnapshot')
  },

  /** Deletes a snapshot: true, or false when there was none. */
  async delete(snapshotId: string, options: SnapshotRequestOptions = {}): Promise<boolean> {
    const http = new HttpClient(resolveConnection(options))
    try {
      await http.empty({ method: 'DELETE', route: snapshotRoute(snapshotId), signal: options.signal, op: 'deleteSnapshot', path: snapshotId })
      return true
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) return false
      throw error
    }
  },

  /** A new volume with the snapshot's content. EEXIST when the name is taken. */
  async fork(snapshotId: string, newName: string, options: SnapshotRequestOptions & { sizeGb?: number; labels?: Record<string, string> } = {}): Promise<Volume> {
    const http = new HttpClient(resolveConnection(options))
    const json = await http.json<unknown>({ method: 'POST', route: `${snapshotRoute(snapshotId)}/fork`, json: { name: newName, sizeGb: options.sizeGb, labels: options.labels }, signal: options.signal, op: 'fork', path: newName })
    const info: VolumeInfo = volumeInfoFromJson(json, 'fork')
    return new Volume(info, http.connection)
  },

  /** Makes a volume's content the snapshot's. EBUSY while another holder has it attached. */
  async restore(volume: string, snapshotId: string, options: SnapshotRequestOptions & { holderId?: string } = {}): Promise<SnapshotInfo> {
    const http = new HttpClient(resolveConnection(options))
    const json = await http.json<unknown>({ method: 'POST', route: `${volumeRoute(volume, 'restore')}/restore`, json: { snapshotId, holderId: options.holderId }, signal: options.signal, op: 'restore', path: volume })
    return snapshotFromJson(json, 'restore')
  },
}
