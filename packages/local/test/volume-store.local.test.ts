import { runVolumeStoreConformance } from '@volumes/testkit'
import { LocalBlobStore } from '@volumes/local'
import { freshRoot } from './helpers.js'

// The only adapter with hierarchical keys: a file and a directory of one name cannot both exist.
runVolumeStoreConformance('local disk', () => new LocalBlobStore({ root: freshRoot() }), { propertyRuns: 40, hostilePathRuns: 200 })
