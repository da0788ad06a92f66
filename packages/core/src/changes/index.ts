export * from './change-feed.js'
export * from './memory-change-feed.js'
export { eventMatches, invalidCursor } from './path-filter.js'
export type { VolumeWatch, WatchDirOptions, WatchHandle, WatchOptions } from './watch.js'
