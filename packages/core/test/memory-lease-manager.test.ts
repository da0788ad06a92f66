import { MemoryLeaseManager } from '@volumes/core'
import { runLeaseManagerConformance } from '@volumes/testkit'

runLeaseManagerConformance('memory', () => new MemoryLeaseManager())
