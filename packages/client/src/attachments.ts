import { normalisePath, VolumeError, type LeaseInfo, type LeaseMode } from '@volumes/core'
import { resolveConnection, type ConnectionOptions } from './connection.js'
import { dateFromJson } from './entry.js'
import { HttpClient } from './http.js'
import { volumeRoute } from './routes.js'
import type { RequestOptions } from './options.js'
import { Volume } from './volume.js'

/** What a mount names: a volume handle, a volume id or name, or `{ name, sizeGb }` (created on first use where the server allows). */
export type MountSource = Volume | string | { readonly name: string; readonly sizeGb?: number | undefined }

/** Options of {@link Attachment.attach}. */
export interface AttachRequestOptions extends RequestOptions {
  /** `exclusive` (default), `shared` or `readonly`. */
  readonly mode?: LeaseMode | undefined
  /** Lease time to live; the holder must {@link Attachment.renew} within it. Server default when omitted. */
  readonly ttlMs?: number | undefined
  /** Where the holder runs (volumes of another region may be refused). */
  readonly region?: string | undefined
}

/** One mounted volume of an attachment. */
export interface AttachedMount {
  /** The normalised mount path. */
  readonly path: string
  readonly volumeId: string
  readonly name: string
  /** A token scoped to this volume (read-only for a `readonly` mount), for the holder to use as its `apiKey`. */
  readonly token: string
  readonly mode: LeaseMode
  /** When the lease ends unless renewed. */
  readonly expiresAt: Date
  /** When the mount's token stops working, where the server says (it may outlive the lease only while the holder keeps the volume). */
  readonly tokenExpiresAt?: Date | undefined
}

interface AttachmentJson {
  readonly holderId?: unknown
  readonly mounts?: unknown
}

/**
 * Volumes attached to a holder (a sandbox) through the server's leases, all or
 * nothing: a volume another holder has is EBUSY `Volume "x" is already attached`
 * and nothing stays attached. Leases expire unless renewed.
 *
 * @example
 * const attachment = await Attachment.attach('sandbox-1', { '/mnt/data': 'my-volume' }, { ttlMs: 60_000 })
 * const data = attachment.volume('/mnt/data') // uses the mount's scoped token
 * await data.writeFile('/hello.txt', 'hi')
 * await attachment.release()
 */
export class Attachment {
  readonly holderId: string
  #mounts: readonly AttachedMount[]
  readonly #http: HttpClient

  private constructor(http: HttpClient, holderId: string, mounts: readonly AttachedMount[]) {
    this.#http = http
    this.holderId = holderId
    this.#mounts = mounts
  }

  /** In the order the mounts were given; tokens and expiries are refreshed by {@link Attachment.renew}. */
  get mounts(): readonly AttachedMount[] {
    return this.#mounts
  }

  /** Attaches volumes at mount paths to `holderId`. EINVAL for bad mount paths, ENOENT for a missing volume, EBUSY when taken. */
  static async attach(holderId: string, mounts: Readonly<Record<string, MountSource>>, options: AttachRequestOptions = {}): Promise<Attachment> {
    const http = new HttpClient(resolveConnection(options))
    const body = {
      holderId,
      mounts: Object.fromEntries(Object.entries(mounts).map(([path, source]) => [path, source instanceof Volume ? source.volumeId : source])),
      mode: options.mode,
      ttlMs: options.ttlMs,
      region: options.region,
    }
    const json = await http.json<AttachmentJson>({ method: 'POST', route: '/attachments', json: body, signal: options.signal, op: 'attach', path: holderId })
    return new Attachment(http, holderId, mountsFromJson(json, 'attach'))
  }

  /** Releases every lease of a holder. Idempotent. */
  static async release(holderId: string, options: RequestOptions = {}): Promise<void> {
    const http = new HttpClient(resolveConnection(options))
    await http.empty({ method: 'DELETE', route: `/attachments/${encodeURIComponent(holderId)}`, signal: options.signal, op: 'release', path: holderId })
  }

  /** The live leases of one holder. */
  static async listByHolder(holderId: string, options: RequestOptions = {}): Promise<LeaseInfo[]> {
    const http = new HttpClient(resolveConnection(options))
    const json = await http.json<unknown>({ method: 'GET', route: `/attachments/${encodeURIComponent(holderId)}`, signal: options.signal, op: 'listByHolder', path: holderId })
    return leasesFromJson(json, 'listByHolder')
  }

  /** The live leases on one volume, by id or name. */
  static async listByVolume(idOrName: string, options: RequestOptions = {}): Promise<LeaseInfo[]> {
    const http = new HttpClient(resolveConnection(options))
    const route = `${volumeRoute(idOrName, 'listAttachments')}/attachments`
    const json = await http.json<unknown>({ method: 'GET', route, signal: options.signal, op: 'listAttachments', path: idOrName })
    return leasesFromJson(json, 'listAttachments')
  }

  /**
   * A handle on the volume mounted at `path`, authenticated with that mount's scoped
   * token. EINVAL (reason `NotMounted`) when nothing is mounted there.
   */
  volume(path: string, connection: Pick<ConnectionOptions, 'apiUrl'> = {}): Volume {
    const normalised = normalisePath(path, 'volume')
    const mount = this.#mounts.find((m) => m.path === normalised)
    if (!mount) throw new VolumeError('EINVAL', { op: 'volume', path, reason: 'NotMounted', detail: `nothing is mounted at '${path}'` })
    const info = { volumeId: mount.volumeId, name: mount.name, sizeGb: 0, region: '', createdAt: new Date(0), labels: {} }
    return new Volume(info, { apiUrl: connection.apiUrl ?? this.#http.connection.apiUrl, apiKey: mount.token })
  }

  /** Extends every lease (tokens may change); EBUSY when a lease was lost meanwhile. */
  async renew(options: { ttlMs?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<void> {
    const json = await this.#http.json<AttachmentJson>({
      method: 'POST',
      route: `/attachments/${encodeURIComponent(this.holderId)}/renew`,
      json: { ttlMs: options.ttlMs },
      signal: options.signal,
      op: 'renew',
      path: this.holderId,
    })
    this.#mounts = mountsFromJson(json, 'renew')
  }

  /** Releases every lease of this holder. Idempotent. */
  async release(options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    await this.#http.empty({ method: 'DELETE', route: `/attachments/${encodeURIComponent(this.holderId)}`, signal: options.signal, op: 'release', path: this.holderId })
  }
}

function mountsFromJson(json: AttachmentJson, op: string): AttachedMount[] {
  if (!Array.isArray(json.mounts)) throw new VolumeError('EIO', { op, reason: 'BadResponse', detail: 'the server sent an attachment without mounts' })
  return json.mounts.map((raw: Record<string, unknown>) => ({
    path: String(raw.path),
    volumeId: String(raw.volumeId),
    name: String(raw.name),
    token: String(raw.token),
    mode: raw.mode as LeaseMode,
    expiresAt: dateFromJson(raw.expiresAt, op, 'expiresAt'),
    ...(raw.tokenExpiresAt === undefined ? {} : { tokenExpiresAt: dateFromJson(raw.tokenExpiresAt, op, 'tokenExpiresAt') }),
  }))
}

function leasesFromJson(json: unknown, op: string): LeaseInfo[] {
  if (!Array.isArray(json)) throw new VolumeError('EIO', { op, reason: 'BadResponse', detail: 'the server sent a lease list that is not an array' })
  return json.map((raw: Record<string, unknown>) => ({
    volumeId: String(raw.volumeId),
    holderId: String(raw.holderId),
    mode: raw.mode as LeaseMode,
    token: Number(raw.token),
    expiresAt: dateFromJson(raw.expiresAt, op, 'expiresAt'),
  }))
}
