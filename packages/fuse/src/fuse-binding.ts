import { createRequire } from 'node:module'
import { VolumeError } from '@volumes/core'

/** The callback-style operation table fuse-native calls (its README's "FUSE operations"). */
export type FuseOps = Record<string, (...args: never[]) => void>

/** The parts of fuse-native's `Fuse` class we use. */
export interface FuseInstance {
  mount(cb: (error: Error | null) => void): void
  unmount(cb: (error: Error | null) => void): void
}

/** fuse-native's constructor. */
export interface FuseConstructor {
  new (mountpoint: string, ops: FuseOps, options: Record<string, unknown>): FuseInstance
  unmount(mountpoint: string, cb: (error: Error | null) => void): void
}

let loaded: FuseConstructor | undefined

/**
 * Loads fuse-native, the optional dependency of this package. ENOTSUP with a clear
 * message when it (or its prebuilt binary) is missing.
 */
export function loadFuse(): FuseConstructor {
  if (loaded) return loaded
  try {
    loaded = createRequire(import.meta.url)('fuse-native') as FuseConstructor
  } catch (cause) {
    throw new VolumeError('ENOTSUP', {
      op: 'mount',
      reason: 'FuseUnavailable',
      detail: `fuse-native could not be loaded (${(cause as Error).message}); install it (npm install fuse-native@2.2.6) on Linux x64 or macOS with FUSE`,
    })
  }
  return loaded
}
