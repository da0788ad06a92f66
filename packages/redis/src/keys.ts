import { VolumeError } from '@volumes/core'

/** Default prefix of every key the lease manager writes. */
export const DEFAULT_KEY_PREFIX = 'volumes:lease'

/**
 * Names of the Redis keys of the lease manager.
 *
 * A volume's keys share the hash tag `{<prefix>:<volumeId>}`, so they live in one Redis
 * Cluster slot and one Lua script may touch them all:
 * - `{<prefix>:<volumeId>}:holders`: hash, holder id → `<token>|<mode>|<expiresAt>|<horizon>`
 *   (ms, Redis time); no TTL: entries expire by their own time, the key goes with its last entry.
 * - `{<prefix>:<volumeId>}:seq`: hash, `n` = last fencing token issued, `c` = ceiling reserved in the
 *   token floor (see {@link TokenFloor}); no TTL, it must outlive the leases (about 60 bytes per volume
 *   ever leased; remove it with the volume).
 *
 * A holder's index, `<prefix>:holder:{<holderId>}` (hash, volume id → horizon), is
 * hash-tagged by holder, so in a Cluster it lives elsewhere than the volume: it is a hint that
 * `listByHolder` verifies against the volumes' hashes.
 */
export class LeaseKeys {
  readonly prefix: string

  constructor(prefix: string = DEFAULT_KEY_PREFIX) {
    if (prefix.length === 0 || /[{}]/.test(prefix)) {
      throw new VolumeError('EINVAL', { op: 'configure', reason: 'InvalidKeyPrefix', detail: `keyPrefix must be non-empty and free of "{" and "}", got "${prefix}"` })
    }
    this.prefix = prefix
  }

  /** Hash of the volume's live holders. */
  holders(volumeId: string): string {
    return `{${this.prefix}:${volumeId}}:holders`
  }

  /** Hash of the volume's fencing-token counter and reserved ceiling. */
  sequence(volumeId: string): string {
    return `{${this.prefix}:${volumeId}}:seq`
  }

  /** Sorted set of the volumes a holder holds (a hint, verified on read). */
  holderIndex(holderId: string): string {
    return `${this.prefix}:holder:{${holderId}}`
  }
}

/** Rejects empty or oversized volume and holder ids with EINVAL. */
export function checkId(kind: 'volume' | 'holder', id: string, op: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > 1024) {
    throw new VolumeError('EINVAL', { op, path: String(id), reason: kind === 'volume' ? 'InvalidVolumeId' : 'InvalidHolderId', detail: `${kind} id must be a string of 1 to 1024 characters` })
  }
}
