import type { VolumeUsage } from './quota-guard.js'

/**
 * What the write paths charge a volume's quota through: reserve before a write,
 * adjust after it. {@link VolumeQuota} charges the usage object directly;
 * {@link PrepaidQuota} draws on a sum reserved once for a bulk transfer.
 */
export interface QuotaCharger {
  /** Reserves `bytes` and `inodes` (plus up to `extraBytes` if they fit); returns the extra granted. ENOSPC when they do not fit. */
  reserve(op: string, path: string, bytes: number, inodes: number, extraBytes?: number): Promise<number>
  /** Records a change that already happened; never throws. */
  adjust(bytes: number, inodes: number): Promise<void>
  /** Runs `task` after every earlier charged write to `key` in this process. */
  serialise<T>(key: string, task: (waited: boolean) => Promise<T>): Promise<T>
  /** The volume's current usage. */
  usage(): Promise<VolumeUsage>
}
