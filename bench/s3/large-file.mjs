// Issue 3, benchmark 2: a 1 GiB file written and read back through a volume's streams
// (Volume.writeFile of a file stream, Volume.createReadStream) against the raw SDK
// (lib-storage Upload with the same part size and queue, GetObject), on the same MinIO.
// Every measurement runs in a fresh child process, whose peak RSS is reported.
// Targets: ≥ 0.9 × raw in both directions, peak RSS under 200 MiB.
//
// Needs `npx tsc -b` first. BENCH_SIZE_MIB (default 1024) and BENCH_ROUNDS (default 3) override.
import { spawnSync } from 'node:child_process'
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { S3BlobStore } from '../../packages/s3/dist/index.js'
import { freshPrefix, machineLine, median, MiB, provideMinio, time } from './_service.mjs'
import { writeSection } from './_report.mjs'

const PART_SIZE = 8 * MiB
const QUEUE_SIZE = 4

/** Reads a stream to its end, counting bytes, holding none. */
async function drain(stream) {
  let bytes = 0
  for await (const chunk of stream) bytes += chunk.byteLength
  return bytes
}

/** One measurement, in this (child) process: prints `{ seconds, bytes, maxRssMiB }`. */
async function child(mode, config) {
  const { clientConfig, bucket, prefix, file, size } = config
  const blobs = () => new S3BlobStore({ ...clientConfig, bucket, prefix, partSize: PART_SIZE, queueSize: QUEUE_SIZE })
  let bytes = size
  let seconds
  if (mode === 'volume-write' || mode === 'volume-read') {
    const store = blobs()
    const volume = await new VolumeStore({ blobs: store }).connect('bench')
    if (mode === 'volume-write') seconds = await time(() => volume.writeFile('/big.bin', createReadStream(file, { highWaterMark: MiB })))
    else seconds = await time(async () => (bytes = await drain(await volume.createReadStream('/big.bin'))))
    store.destroy()
  } else {
    const client = new S3Client(clientConfig)
    if (mode === 'raw-write') {
      seconds = await time(() => new Upload({ client, params: { Bucket: bucket, Key: `${prefix}raw/big.bin`, Body: createReadStream(file, { highWaterMark: MiB }) }, partSize: PART_SIZE, queueSize: QUEUE_SIZE }).done())
    } else {
      seconds = await time(async () => (bytes = await drain((await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}raw/big.bin` }))).Body)))
    }
    client.destroy()
  }
  if (bytes !== size) throw new Error(`${mode}: moved ${bytes} bytes, expected ${size}`)
  process.stdout.write(`${JSON.stringify({ seconds, bytes, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`)
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], JSON.parse(process.argv[4]))
  process.exit(0)
}

const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MiB
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const work = mkdtempSync(join(tmpdir(), 'volumes-bench-s3-big-'))
const file = join(work, 'big.bin')
await new Promise((resolve, reject) => {
  const out = createWriteStream(file)
  const block = Buffer.alloc(MiB)
  for (let i = 0; i < MiB; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i)
  let written = 0
  const more = () => {
    while (written < SIZE) {
      block.writeUInt32LE(written / MiB, 0)
      written += MiB
      if (!out.write(block)) return out.once('drain', more)
    }
    out.end(resolve)
  }
  out.on('error', reject)
  more()
})

const { service, bucket, clientConfig } = await provideMinio()
const prefix = freshPrefix('big')
const setup = new S3BlobStore({ ...clientConfig, bucket, prefix })
await new VolumeStore({ blobs: setup }).create('bench', { sizeGb: 10 })
setup.destroy()

const modes = ['raw-write', 'volume-write', 'raw-read', 'volume-read']
const results = Object.fromEntries(modes.map((mode) => [mode, []]))
const config = JSON.stringify({ clientConfig, bucket, prefix, file, size: SIZE })
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which side goes first in each direction.
  const order = round % 2 === 0 ? modes : ['volume-write', 'raw-write', 'volume-read', 'raw-read']
  for (const mode of order) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, config], { encoding: 'utf8', maxBuffer: 1 << 20 })
    const line = run.stdout.trim().split('\n').pop() ?? ''
    if (run.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} failed: ${run.stderr.slice(-2000)}`)
    const result = JSON.parse(line)
    results[mode].push(result)
    console.log(`round ${round + 1}: ${mode} ${result.seconds.toFixed(2)} s, ${(SIZE / MiB / result.seconds).toFixed(0)} MiB/s, peak RSS ${result.maxRssMiB.toFixed(0)} MiB`)
  }
}
await service.stop()
rmSync(work, { recursive: true, force: true })

const secs = (mode) => median(results[mode].map((r) => r.seconds))
const rss = (mode) => Math.max(...results[mode].map((r) => r.maxRssMiB))
const speed = (mode) => `${(SIZE / MiB / secs(mode)).toFixed(0)} MiB/s`
const lines = [
  `Run of ${new Date().toISOString().slice(0, 10)}: one ${SIZE / MiB} MiB file, part size ${PART_SIZE / MiB} MiB, queue ${QUEUE_SIZE}, each measurement in a fresh process, median of ${ROUNDS} rounds (peak RSS: the highest of the rounds).`,
  `Machine: ${machineLine(service)}.`,
  '',
  `Rounds (s): ${modes.map((mode) => `${mode} ${results[mode].map((r) => r.seconds.toFixed(2)).join('/')}`).join('; ')}.`,
  '',
  '| direction | method | seconds | throughput | peak RSS |',
  '| --- | --- | ---: | ---: | ---: |',
  `| write | raw lib-storage Upload (file stream) | ${secs('raw-write').toFixed(2)} | ${speed('raw-write')} | ${rss('raw-write').toFixed(0)} MiB |`,
  `| write | Volume.writeFile (file stream → S3BlobStore) | ${secs('volume-write').toFixed(2)} | ${speed('volume-write')} | ${rss('volume-write').toFixed(0)} MiB |`,
  `| read | raw GetObject body | ${secs('raw-read').toFixed(2)} | ${speed('raw-read')} | ${rss('raw-read').toFixed(0)} MiB |`,
  `| read | Volume.createReadStream | ${secs('volume-read').toFixed(2)} | ${speed('volume-read')} | ${rss('volume-read').toFixed(0)} MiB |`,
  '',
  `- write: the volume reaches **${(secs('raw-write') / secs('volume-write')).toFixed(2)} ×** raw (target ≥ 0.9); read: **${(secs('raw-read') / secs('volume-read')).toFixed(2)} ×** raw (target ≥ 0.9)`,
  `- peak RSS of the volume's processes: write ${rss('volume-write').toFixed(0)} MiB, read ${rss('volume-read').toFixed(0)} MiB (target < 200 MiB)`,
]
console.log(lines.join('\n'))
writeSection('large-file', lines.join('\n'))
