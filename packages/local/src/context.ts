import type { LocalConfig } from './config.js'
import type { DirSyncer } from './dir-sync.js'
import type { Layout } from './layout.js'
import type { KeyLocks } from './lock.js'

/** What every operation of one store needs: its configuration, layout and locks. */
export interface StoreContext {
  readonly config: LocalConfig
  readonly layout: Layout
  readonly locks: KeyLocks
  /** Flushes directory entries after renames and unlinks (used only when `config.fsync` is on). */
  readonly dirs: DirSyncer
  /** Creates the root and the reserved directories once, and clears what crashed writers left. */
  readonly ready: () => Promise<void>
}
