import type { LocalConfig } from './config.js'
import type { Layout } from './layout.js'
import type { KeyLocks } from './lock.js'

/** What every operation of one store needs: its configuration, layout and locks. */
export interface StoreContext {
  readonly config: LocalConfig
  readonly layout: Layout
  readonly locks: KeyLocks
  /** Creates the root and the reserved directories once, and clears what crashed writers left. */
  readonly ready: () => Promise<void>
}
