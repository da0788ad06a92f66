export { mountVolume, type MountOptions, type VolumeMount } from './mount-volume.js'
export { clearStaleMount, detach } from './stale-mount.js'
export { errnoOfError } from './errno.js'
export type { ReadAheadOptions } from './range-reader.js'
