export * from './findings.js'
export { fsckBucket, fsckVolume, type FsckOptions } from './fsck.js'
