import { performance } from 'node:perf_hooks'
import { displayVolumeReference, VOLUME_ID_PATTERN, VolumeError, isVolumeError, type Volume, type VolumeInfo, type VolumeStore } from '@volumes/core'
import { badRequest } from '../errors.js'
import type { Principal } from './principal.js'

/** The reserved label recording the team that owns a volume; clients never see or set it. */
export const TEAM_LABEL = 'volumes.team'

/** Options of {@link Tenancy}. */
export interface TenancyOptions {
  /**
   * The team that owns volumes without a team label (created by the CLI or the library
   * directly). Default: none, such volumes are invisible to every key.
   */
  readonly unownedTeam?: string | undefined
  /**
   * How long an opened volume handle is reused for later requests naming the same volume,
   * in ms (0: look the registry up on every request). A volume destroyed by another process
   * stays reachable here for at most this long; one destroyed through this handler is
   * forgotten at once. Default 1000.
   */
  readonly cacheMs?: number | undefined
}

/** A volume as the API shows it: the core record without the reserved label. */
export interface PublicVolumeInfo {
  readonly volumeId: string
  readonly name: string
  readonly sizeGb: number
  readonly region: string
  readonly createdAt: string
  readonly labels: Readonly<Record<string, string>>
}

/** 404 `VolumeNotFound`, worded as core words it: what a volume of another team looks like. */
export const notFound = (idOrName: string, op: string): VolumeError => {
  const shown = displayVolumeReference(idOrName)
  return new VolumeError('ENOENT', { op, path: shown, reason: 'VolumeNotFound', detail: `Volume "${shown}" not found` })
}

/**
 * Team ownership of volumes. Every volume belongs to the team in its `volumes.team`
 * label; a principal reaches only its team's volumes (a volume token only its one
 * volume), and any other volume answers exactly as a missing one does: 404
 * `VolumeNotFound`, by id and by name alike, and lists leave it out.
 *
 * Names are unique per store, not per team: creating a name another team holds is 409,
 * which tells the caller that the name is taken (nothing else about the volume).
 */
export class Tenancy {
  readonly #store: VolumeStore
  readonly #unownedTeam: string | undefined
  readonly #cacheMs: number
  readonly #cache = new Map<string, { readonly volume: Volume; readonly until: number }>()

  constructor(store: VolumeStore, options: TenancyOptions = {}) {
    this.#store = store
    this.#unownedTeam = options.unownedTeam
    this.#cacheMs = options.cacheMs ?? 1000
  }

  /** The team owning a volume, or undefined. */
  ownerOf(info: VolumeInfo): string | undefined {
    return info.labels[TEAM_LABEL] ?? this.#unownedTeam
  }

  /** Whether `principal` may reach the volume. */
  reaches(principal: Principal, info: VolumeInfo): boolean {
    if (this.ownerOf(info) !== principal.team) return false
    return principal.kind === 'key' || principal.volumeId === info.volumeId
  }

  /** Opens a volume the principal may reach, by id or name; 404 for any other. */
  async open(principal: Principal, idOrName: string, op: string): Promise<Volume> {
    const volume = await this.#connect(idOrName, op)
    if (!this.reaches(principal, volume.info)) throw notFound(idOrName, op)
    return volume
  }

  /** Forgets cached handles of a volume (after destroying it). */
  forget(volumeId: string): void {
    for (const [key, entry] of this.#cache) if (entry.volume.volumeId === volumeId) this.#cache.delete(key)
  }

  async #connect(idOrName: string, op: string): Promise<Volume> {
    const now = performance.now()
    const cached = this.#cache.get(idOrName)
    if (cached && cached.until > now) return cached.volume
    let volume: Volume
    try {
      volume = await this.#store.connect(idOrName)
    } catch (error) {
      if (isVolumeError(error, 'ENOENT')) throw notFound(idOrName, op)
      throw error
    }
    if (this.#cacheMs > 0) {
      if (this.#cache.size >= 10_000) this.#cache.clear()
      this.#cache.set(idOrName, { volume, until: now + this.#cacheMs })
    }
    return volume
  }

  /** The team's volumes, sorted by name. */
  async list(team: string, signal?: AbortSignal): Promise<VolumeInfo[]> {
    return (await this.#store.list(signal ? { signal } : {})).filter((info) => this.ownerOf(info) === team)
  }

  /**
   * Checks a new volume's name for what tenancy adds to core's rules: a name shaped like a
   * volume id (`vol-` and 20 letters) is refused (400), since lookups try ids first and such
   * a name could collide with another team's volume id.
   */
  checkNewName(name: unknown, op: string): string {
    if (typeof name !== 'string') throw badRequest(op, 'InvalidBody', `'name' must be a string`)
    if (VOLUME_ID_PATTERN.test(name)) throw badRequest(op, 'InvalidVolumeName', 'a volume name cannot have the shape of a volume id', name)
    return name
  }

  /** Labels for a new volume of `team`: the client's own, checked not to touch the reserved label, plus the team's. */
  labelsForCreate(team: string, labels: unknown, op: string): Record<string, string> {
    if (labels !== undefined && (typeof labels !== 'object' || labels === null || Array.isArray(labels))) {
      throw badRequest(op, 'InvalidLabels', 'labels must be an object of strings')
    }
    if (labels !== undefined && Object.hasOwn(labels, TEAM_LABEL)) throw badRequest(op, 'ReservedLabel', `the label '${TEAM_LABEL}' is reserved`)
    return { ...(labels as Record<string, string> | undefined), [TEAM_LABEL]: team }
  }

  /** The lease-manager holder id of a team's holder: teams cannot see or take each other's holders. */
  holderKey(team: string, holderId: string): string {
    return `${encodeURIComponent(team)}:${holderId}`
  }

  /** The holder id a team gave, from a lease-manager holder id (as is when it is not the team's). */
  holderOf(team: string, holderKey: string): string {
    const prefix = `${encodeURIComponent(team)}:`
    return holderKey.startsWith(prefix) ? holderKey.slice(prefix.length) : holderKey
  }
}

/** A volume record as JSON for the API, without the reserved label. */
export function publicInfo(info: VolumeInfo): PublicVolumeInfo {
  const { [TEAM_LABEL]: _team, ...labels } = info.labels
  return { volumeId: info.volumeId, name: info.name, sizeGb: info.sizeGb, region: info.region, createdAt: info.createdAt.toISOString(), labels }
}
