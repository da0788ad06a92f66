import { MemoryBlobStore } from '@volumes/core'
import { runBlobStoreConformance } from '@volumes/testkit'

runBlobStoreConformance('memory', () => new MemoryBlobStore())
