import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBlobStoreConformance } from '@volumes/testkit'
import { LocalBlobStore } from '@volumes/local'

runBlobStoreConformance('local disk', () => new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'volumes-local-')) }))
