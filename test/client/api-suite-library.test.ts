import { MemoryBlobStore, VolumeStore } from '@volumes/core'
import { runVolumeApiConformance } from '@volumes/testkit'

// The API suite against the library itself: whatever the client must match, the library does.
runVolumeApiConformance('library VolumeStore (memory)', () => new VolumeStore({ blobs: new MemoryBlobStore() }), { hostilePathRuns: 200 })
