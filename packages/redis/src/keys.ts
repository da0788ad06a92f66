import { VolumeError } from '@volumes/core'
import type { TokenFloor } from './token-floor.js'

/** Default prefix of every key the lease manager writes. */
export const DEFAULT_KEY_PREFIX = 'volumes:lease'

/**
 * Names of the Redis keys of the lease manager.
 *
 * A volume is one hash, `{<prefix>:<volumeId>}` (the whole name is the hash tag, so in a Cluster
 * the volume lives in one slot and one Lua script may read and change all of it):
 * - one field per holder: holder id → `<token>|<mode>|<expiresAt>|<horizon>` (ms, Redis time);
 *   an entry expires by its own time (judged by the scripts), not by a key TTL;
 * - two reserved fields whose names start with a NUL byte (holder ids may not contain one):
 *   `\0n`, the last fencing token issued, and `\0c`, the ceiling reserved in the token floor
 *   (see {@link TokenFloor}).
 * The hash has no TTL: it must outlive the leases so that tokens keep growing (some 60 bytes per
 * volume ever leased; remove it with the volume).
 *
 * A holder's index, `<prefix>:holder:{<holderId>}` (hash, volume id → horizon), is hash-tagged by
 * holder, so in a Cluster it lives elsewhere than the volume: it is a hint that `listByHolder`
 * verifies against the volumes. It expires some minutes after the holder's last lease.
 */
export class LeaseKeys {
  readonly prefix: string

  constructor(prefix: string = DEFAULT_KEY_PREFIX) {
    if (prefix.length === 0 || /[{}]/.test(prefix)) {
      throw new VolumeError('EINVAL', { op: 'configure', reason: 'InvalidKeyPrefix', detail: `keyPrefix must be non-empty and free of "{" and "}", got "${prefix}"` })
    }
    this.prefix = prefix
  }

  /** The volume's hash: its holders and its fencing-token counter. */
  volume(volumeId: string): string {
    return `{${this.prefix}:${volumeId}}`
  }

  /** Hash of the volumes a holder holds (a hint, verified on read). */
  holderIndex(holderId: string): string {
    return `${this.prefix}:holder:{${holderId}}`
  }
}

/** Rejects empty, oversized or NUL-containing volume and holder ids with EINVAL. */
export function checkId(kind: 'volume' | 'holder', id: string, op: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > 1024 || id.includes('\0')) {
    throw new VolumeError('EINVAL', { op, path: String(id), reason: kind === 'volume' ? 'InvalidVolumeId' : 'InvalidHolderId', detail: `${kind} id must be a string of 1 to 1024 characters without NUL` })
  }
}
