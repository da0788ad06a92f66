// Issue 13 benchmark: 4 KiB writeFile and readFile through the official `e2b` SDK (the
// E2B-compatible routes under /e2b) vs through @volumes/client (the server's own routes)
// against the same server process, vs the library called directly on the same local-disk
// store, all in one run. Each round runs every peer on the same files in a rotating order
// (after one warm-up round, not counted); the table gives each peer's median ops/s over the
// rounds and the median of the per-round paired ratios. Every read is compared with what
// was written. BENCH_ROUNDS (default 5), BENCH_OPS per peer per phase (default 400),
// BENCH_CONCURRENCY (default 8).
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Volume as E2bVolume } from 'e2b'
import { Volume as ClientVolume } from '../../packages/client/dist/index.js'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const OPS = Number(process.env.BENCH_OPS ?? 400)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const FILES = 100
const SIZE = 4096
const KEY = `bench-${randomBytes(12).toString('hex')}`
const payload = randomBytes(SIZE)

const root = mkdtempSync(join(tmpdir(), 'volumes-bench-e2b-'))
const child = fork(fileURLToPath(new URL('./_server.mjs', import.meta.url)), [root, KEY, '1'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, BENCH_LOG: '0' } })
const { url } = await new Promise((resolve, reject) => {
  child.once('message', resolve)
  child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
})
process.env.E2B_VOLUME_API_URL = `${url}/e2b`

const sdkVolume = await E2bVolume.create('bench-e2b', { apiKey: KEY, apiUrl: `${url}/e2b` })
const clientVolume = await ClientVolume.connect(sdkVolume.volumeId, { apiUrl: url, apiKey: KEY })
const store = new VolumeStore({ blobs: new LocalBlobStore({ root }) })
const direct = await store.connect(sdkVolume.volumeId)

/** Each peer's write and read of file `i` (its own directory, so that no peer overwrites another's files). */
const peers = {
  'e2b SDK': { write: (i) => sdkVolume.writeFile(`/sdk/f${i}`, payload.buffer.slice(payload.byteOffset, payload.byteOffset + SIZE)), read: (i) => sdkVolume.readFile(`/sdk/f${i}`, { format: 'bytes' }) },
  '@volumes/client': { write: (i) => clientVolume.writeFile(`/client/f${i}`, payload), read: (i) => clientVolume.readFile(`/client/f${i}`, { format: 'bytes' }) },
  'library direct': { write: (i) => direct.writeFile(`/direct/f${i}`, payload), read: (i) => direct.readFile(`/direct/f${i}`, { format: 'bytes' }) },
}
const names = Object.keys(peers)

/** Runs OPS calls of `op(i)` from CONCURRENCY loops; returns ops/s. Reads are checked byte for byte. */
async function measure(op, check) {
  let next = 0
  const loop = async () => {
    while (next < OPS) {
      const i = next++ % FILES
      const result = await op(i)
      if (check && !Buffer.from(result).equals(payload)) throw new Error(`read ${i} returned other bytes`)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, loop))
  return OPS / ((performance.now() - started) / 1000)
}

const results = { write: Object.fromEntries(names.map((n) => [n, []])), read: Object.fromEntries(names.map((n) => [n, []])) }
for (let round = -1; round < ROUNDS; round++) {
  const order = names.map((_, k) => names[(k + Math.max(round, 0)) % names.length])
  for (const phase of ['write', 'read']) {
    for (const name of order) {
      const opsPerSecond = await measure(peers[name][phase], phase === 'read')
      if (round >= 0) results[phase][name].push(opsPerSecond)
    }
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const pairedRatio = (phase, a, b) => median(results[phase][a].map((value, round) => value / results[phase][b][round]))
const fmt = (n) => Math.round(n).toLocaleString('en-US')
console.log(`4 KiB files, ${OPS} ops per peer per phase from ${CONCURRENCY} concurrent loops, ${ROUNDS} rounds (rotating order) after 1 warm-up round; one server process (HTTP on loopback, request log off), local-disk store with fsync`)
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`)
console.log('| operation | e2b SDK ops/s | @volumes/client ops/s | library direct ops/s | SDK / client | SDK / direct | client / direct |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const phase of ['write', 'read']) {
  const m = Object.fromEntries(names.map((n) => [n, median(results[phase][n])]))
  console.log(`| 4 KiB ${phase}File | ${fmt(m['e2b SDK'])} | ${fmt(m['@volumes/client'])} | ${fmt(m['library direct'])} | ${pairedRatio(phase, 'e2b SDK', '@volumes/client').toFixed(2)} | ${pairedRatio(phase, 'e2b SDK', 'library direct').toFixed(2)} | ${pairedRatio(phase, '@volumes/client', 'library direct').toFixed(2)} |`)
}

child.send('stop')
await new Promise((resolve) => child.once('exit', resolve))
rmSync(root, { recursive: true, force: true })
