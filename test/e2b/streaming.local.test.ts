import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSdkStreamingTests } from './sdk-streaming-suite.js'

const MiB = 1024 * 1024

runSdkStreamingTests('local disk (--data)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'volumes-e2b-serve-'))
  return { args: ['--data', root], cleanup: () => rm(root, { recursive: true, force: true }) }
  // The server's peak grows by what V8 has not collected yet, not by what it holds: measured +4 to +10 MiB
  // on a quiet machine, +23 MiB at load average 30. A quarter of a 128 MiB file leaves that room.
}, { fileBytes: 128 * MiB, maxServerGrowth: 32 * MiB })
