import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSdkStreamingTests } from './sdk-streaming-suite.js'

runSdkStreamingTests('local disk (--data)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'volumes-e2b-serve-'))
  return { args: ['--data', root], cleanup: () => rm(root, { recursive: true, force: true }) }
})
