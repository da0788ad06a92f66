import { MemoryBlobStore } from '@volumes/core'
import { runVolumeStoreConformance } from '@volumes/testkit'

runVolumeStoreConformance('memory', () => new MemoryBlobStore(), { propertyRuns: 300, hostilePathRuns: 1000 })
