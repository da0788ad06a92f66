import { isVolumeError, VolumeError } from '../errors/volume-error.js'
import type { StoredVolumeRecord } from '../registry/volume-record.js'
import { Volume } from '../volume/volume.js'

/** What a mount names: a Volume handle, a volume id or name, or `{ name, sizeGb }` (created on first use when the policy allows). */
export type MountSource = Volume | string | { readonly name: string; readonly sizeGb?: number | undefined }

/** The registry operations mount resolution needs from its store. */
export interface MountResolver {
  find(idOrName: string): Promise<StoredVolumeRecord | undefined>
  create(name: string, options: { sizeGb?: number | undefined; region: string }): Promise<unknown>
}

/**
 * Finds the volume a mount names. With `createIn` (create on first use), a missing
 * volume is created in that region; a concurrent creator winning the name (EEXIST) is
 * fine, its volume is used. Otherwise a missing volume is ENOENT (reason `VolumeNotFound`).
 */
export async function resolveMount(resolver: MountResolver, source: MountSource, createIn: string | undefined): Promise<StoredVolumeRecord> {
  const [idOrName, sizeGb] = describeSource(source)
  const found = await resolver.find(idOrName)
  if (found) return found
  if (createIn !== undefined && !(source instanceof Volume)) {
    try {
      await resolver.create(idOrName, { sizeGb, region: createIn })
    } catch (error) {
      if (!isVolumeError(error, 'EEXIST')) throw error
    }
    const created = await resolver.find(idOrName)
    if (created) return created
  }
  throw new VolumeError('ENOENT', { op: 'attach', path: idOrName, reason: 'VolumeNotFound', detail: `Volume "${idOrName}" not found` })
}

function describeSource(source: MountSource): [string, number | undefined] {
  if (source instanceof Volume) return [source.volumeId, undefined]
  if (typeof source === 'string') return [source, undefined]
  if (typeof source === 'object' && source !== null && typeof source.name === 'string') return [source.name, source.sizeGb]
  throw new VolumeError('EINVAL', { op: 'attach', reason: 'InvalidMountSource', detail: 'a mount names a Volume, a volume id or name, or { name, sizeGb }' })
}
