import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSdkStreamingTests } from './sdk-streaming-suite.js'

const MiB = 1024 * 1024

runSdkStreamingTests('local disk (--data)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'volumes-e2b-serve-'))
  return { args: ['--data', root], cleanup: () => rm(root, { recursive: true, force: true }) }
}, { fileBytes: 64 * MiB, maxServerGrowth: 16 * MiB })
