import type { LeaseInfo } from '@volumes/core'
import { toVolumeError } from './errors.js'
import type { LeaseKeys } from './keys.js'
import type { LeaseScripts } from './lua-command.js'

/**
 * The holder index on a Cluster, where it lives in another slot than the volume and the
 * scripts of the volume cannot touch it: the client updates it after them.
 */
export class ClusterHolderIndex {
  readonly #scripts: LeaseScripts
  readonly #keys: LeaseKeys
  readonly #logger: { warn(message: string): void }

  constructor(scripts: LeaseScripts, keys: LeaseKeys, logger: { warn(message: string): void }) {
    this.#scripts = scripts
    this.#keys = keys
    this.#logger = logger
  }

  /** Adds the volume to the holder's index after a grant, or undoes the grant (and rejects) when it cannot. */
  async afterGrant(volumeId: string, holderId: string, token: number, horizon: number): Promise<void> {
    try {
      await this.#scripts.index([this.#keys.holderIndex(holderId)], ['add', volumeId, horizon])
    } catch (error) {
      await this.#scripts.release([this.#keys.volume(volumeId)], [volumeId, holderId, String(token)]).catch(() => undefined)
      throw toVolumeError(error, 'acquire', volumeId)
    }
  }

  /**
   * After a renewal that moved the horizon. The renewal is done; a failure to push the index
   * entry's horizon must not fail it (the holder could lose a lease it holds). The index entry
   * then lapses at its old horizon, minutes away, unless the next renewal near it pushes it.
   */
  async moveHorizon(lease: LeaseInfo, horizon: number): Promise<void> {
    await this.#scripts.index([this.#keys.holderIndex(lease.holderId)], ['add', lease.volumeId, horizon]).catch((error: unknown) => {
      this.#logger.warn(`@volumes/redis: could not update the holder index of "${lease.holderId}" for ${lease.volumeId}: ${(error as Error).message}`)
    })
  }

  /** After a release that removed the entry. */
  async afterRelease(volumeId: string, holderId: string): Promise<void> {
    await this.#scripts.index([this.#keys.holderIndex(holderId)], ['remove', volumeId])
  }
}
