export * from './interop-tree.js'
export * from './attribute-tally.js'
export * from './fuse-mount.js'
