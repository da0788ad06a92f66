// Issue 3, benchmark 1: 2,000 files × 4 KiB uploaded to MinIO by Volume.uploadDirectory
// (S3BlobStore underneath) against, in the same run and on the same MinIO:
//   (a) the raw SDK ceiling: PutObject of the same files with the same concurrency,
//   (b) `rclone copy` of the same directory (Debian's rclone, --transfers = the same concurrency),
//   (c) the seeds' sequential loop (read a file, await writeFile, next).
// Two more rows split the cost: uploadDirectory with the VolumeStore quota off, and the
// adapter alone (S3BlobStore.put per file, same concurrency).
// Targets: ≥ 0.8 × the raw ceiling, faster than rclone, ≥ 10 × the sequential loop.
//
// Needs `npx tsc -b` first. BENCH_FILES, BENCH_ROUNDS, BENCH_CONCURRENCY, BENCH_SEQ_ROUNDS override;
// BENCH_METHODS=raw,adapter runs only those (the summary then needs all of them, so no file is written).
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { S3BlobStore } from '../../packages/s3/dist/index.js'
import { findBinary } from '../../packages/testkit/dist/services/test-service.js'
import { freshPrefix, machineLine, median, pool, provideMinio, runRotatingRounds, time } from './_service.mjs'
import { writeSection } from './_report.mjs'

const FILES = Number(process.env.BENCH_FILES ?? 2000)
const SIZE = 4096
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SEQ_ROUNDS = Number(process.env.BENCH_SEQ_ROUNDS ?? 1)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)

const work = mkdtempSync(join(tmpdir(), 'volumes-bench-s3-'))
const source = join(work, 'source')
const files = []
for (let i = 0; i < FILES; i++) {
  const dir = join(source, `d${i % 20}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `f${i}.bin`)
  writeFileSync(file, Buffer.alloc(SIZE, i % 251))
  files.push(file)
}

const { service, bucket, clientConfig } = await provideMinio()
const rclone = findBinary('rclone')
const stores = []
const blobStore = (prefix, options = {}) => {
  const store = new S3BlobStore({ ...clientConfig, bucket, prefix, ...options })
  stores.push(store)
  return store
}

/** The seeds' loop: for each file, read it whole and await writeFile before the next. */
async function sequentialLoop(volume, dir, remote) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) await sequentialLoop(volume, full, `${remote}/${name}`)
    else await volume.writeFile(`${remote}/${name}`, readFileSync(full))
  }
}

const methods = {
  uploadDirectory: {
    label: 'Volume.uploadDirectory (S3BlobStore; quota on, sizeGb 10)',
    async run() {
      const volume = await new VolumeStore({ blobs: blobStore(freshPrefix('up')) }).create('bench', { sizeGb: 10 })
      return time(() => volume.uploadDirectory(source, '/dst', { concurrency: CONCURRENCY }))
    },
  },
  laxVersions: {
    label: 'Volume.uploadDirectory, S3BlobStore `revisionCheck: false` (quota on)',
    async run() {
      const volume = await new VolumeStore({ blobs: blobStore(freshPrefix('uplax'), { revisionCheck: false }) }).create('bench', { sizeGb: 10 })
      return time(() => volume.uploadDirectory(source, '/dst', { concurrency: CONCURRENCY }))
    },
  },
  noQuota: {
    label: 'Volume.uploadDirectory, VolumeStore `quota: false`',
    async run() {
      const volume = await new VolumeStore({ blobs: blobStore(freshPrefix('upnq')), quota: false }).create('bench', { sizeGb: 10 })
      return time(() => volume.uploadDirectory(source, '/dst', { concurrency: CONCURRENCY }))
    },
  },
  adapter: {
    label: 'S3BlobStore.put per file (adapter alone, no core)',
    async run() {
      const store = blobStore(freshPrefix('put'))
      await store.ready()
      return time(() => pool(files, CONCURRENCY, async (file) => {
        await store.put(`dst/${relative(source, file)}`, await readFile(file))
      }))
    },
  },
  raw: {
    label: `raw SDK PutObject, concurrency ${CONCURRENCY} (the ceiling)`,
    async run() {
      const client = new S3Client(clientConfig)
      const prefix = freshPrefix('raw')
      try {
        return await time(() => pool(files, CONCURRENCY, async (file) => {
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}dst/${relative(source, file)}`, Body: await readFile(file) }))
        }))
      } finally {
        client.destroy()
      }
    },
  },
  rclone: {
    label: `rclone copy --transfers ${CONCURRENCY} --checkers ${CONCURRENCY}`,
    async run() {
      if (!rclone) return Number.NaN
      const { AWS_CA_BUNDLE: _caBundle, ...inherited } = process.env // rclone's transport refuses a custom CA bundle; the endpoint is plain http
      const env = {
        ...inherited,
        RCLONE_CONFIG_BENCH_TYPE: 's3', RCLONE_CONFIG_BENCH_PROVIDER: 'Minio', RCLONE_CONFIG_BENCH_ENV_AUTH: 'false',
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: clientConfig.credentials.accessKeyId, RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: clientConfig.credentials.secretAccessKey,
        RCLONE_CONFIG_BENCH_ENDPOINT: clientConfig.endpoint, RCLONE_CONFIG_BENCH_REGION: clientConfig.region,
      }
      const target = `bench:${bucket}/${freshPrefix('rclone')}dst`
      return time(() => promisify(execFile)(rclone, ['copy', source, target, '--transfers', String(CONCURRENCY), '--checkers', String(CONCURRENCY), '-q'], { env }))
    },
  },
  sequential: {
    label: 'sequential writeFile loop (seeds)',
    rounds: SEQ_ROUNDS,
    async run() {
      const volume = await new VolumeStore({ blobs: blobStore(freshPrefix('seq')) }).create('bench', { sizeGb: 10 })
      return time(() => sequentialLoop(volume, source, '/dst'))
    },
  },
}

const only = process.env.BENCH_METHODS?.split(',')
const names = Object.keys(methods).filter((name) => !only || only.includes(name))
const results = await runRotatingRounds(methods, names, ROUNDS)
for (const store of stores) store.destroy()
await service.stop()
rmSync(work, { recursive: true, force: true })

const m = Object.fromEntries(names.map((name) => [name, median(results[name])]))
if (only) {
  console.log(names.map((name) => `${name}: median ${m[name].toFixed(2)} s (${results[name].map((s) => s.toFixed(2)).join('/')})`).join('\n'))
  process.exit(0)
}
const rate = (s) => (Number.isNaN(s) ? 'n/a' : `${Math.round(FILES / s)} files/s`)
const lines = [
  `Run of ${new Date().toISOString().slice(0, 10)}: ${FILES} files × ${SIZE / 1024} KiB in 20 directories, concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds (sequential loop: ${SEQ_ROUNDS}).`,
  `Machine: ${machineLine(service)}.`,
  '',
  `Rounds (s): ${names.map((name) => `${name} ${results[name].map((s) => s.toFixed(2)).join('/')}`).join('; ')}.`,
  '',
  '| method | seconds | throughput | time ÷ uploadDirectory time |',
  '| --- | ---: | ---: | ---: |',
  ...names.map((name) => `| ${methods[name].label} | ${m[name].toFixed(2)} | ${rate(m[name])} | ${(m[name] / m.uploadDirectory).toFixed(2)} |`),
  '',
  `- vs the raw ceiling: **${(m.raw / m.uploadDirectory).toFixed(2)} ×** (target ≥ 0.8); revisionCheck off: ${(m.raw / m.laxVersions).toFixed(2)} ×; quota off: ${(m.raw / m.noQuota).toFixed(2)} ×; adapter alone: ${(m.raw / m.adapter).toFixed(2)} ×`,
  `- vs rclone: **${(m.rclone / m.uploadDirectory).toFixed(2)} ×** as fast (target > 1)`,
  `- vs the sequential loop: **${(m.sequential / m.uploadDirectory).toFixed(1)} ×** as fast (target ≥ 10)`,
]
console.log(lines.join('\n'))
writeSection('upload-directory', lines.join('\n'))
