import { MemoryBlobStore, MemoryChangeFeed } from '@volumes/core'
import { runChangeFeedConformance, runVolumeEventTests } from '@volumes/testkit'

runChangeFeedConformance('memory', { create: async (capacity) => ({ feed: new MemoryChangeFeed({ capacity }), close: async () => undefined }) })
runVolumeEventTests('memory', () => new MemoryBlobStore())
