import { runVolumeEventTests } from '@volumes/testkit'
import { LocalBlobStore } from '@volumes/local'
import { freshRoot } from './helpers.js'

runVolumeEventTests('local disk', () => new LocalBlobStore({ root: freshRoot() }))
