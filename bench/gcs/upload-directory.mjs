// Issue 4 benchmark: upload 1,000 files of 64 KiB to fake-gcs-server with
// Volume.uploadDirectory (GcsBlobStore underneath) against the raw
// @google-cloud/storage client uploading the same tree with the same concurrency,
// (a) in single requests (`resumable: false`) and (b) with its default resumable
// uploads. Prints ratios measured in this one run (the machine is shared and noisy).
//
// Two more rows split the cost: uploadDirectory on a volume store without quotas (no
// usage object to keep exact), and the adapter alone (GcsBlobStore.put of the same files).
// Each scenario runs once straight to the emulator on loopback and once through a proxy
// that adds a delay to every request, a stand-in for the round trip to real GCS.
//
// Needs the packages built (`npx tsc -b`) and fake-gcs-server (scripts/install/fake-gcs-server.sh,
// or VOLUMES_GCS_ENDPOINT). BENCH_FILES, BENCH_ROUNDS, BENCH_CONCURRENCY and
// BENCH_LATENCY_MS (comma-separated, default `0,50`) override the defaults.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, relative } from 'node:path'
import { Storage } from '@google-cloud/storage'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { createStorage, GcsBlobStore } from '../../packages/gcs/dist/index.js'
import { fakeGcsServerVersion, startFakeGcs } from '../../packages/testkit/dist/services/fake-gcs.js'
import { startLatencyProxy } from './_latency-proxy.mjs'

const FILES = Number(process.env.BENCH_FILES ?? 1000)
const SIZE = 64 * 1024
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const LATENCIES = (process.env.BENCH_LATENCY_MS ?? '0,50').split(',').map(Number)

const work = mkdtempSync(join(tmpdir(), 'volumes-bench-gcs-'))
const source = join(work, 'source')
const paths = []
for (let i = 0; i < FILES; i++) {
  const dir = join(source, `d${i % 20}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `f${i}.bin`)
  writeFileSync(file, Buffer.alloc(SIZE, i % 251))
  paths.push(file)
}

const service = await startFakeGcs()
const projectId = service.details.projectId
const admin = createStorage({ apiEndpoint: service.url, projectId })
let bucketCount = 0

async function pool(items, concurrency, task) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++])
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

async function time(fn) {
  const started = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - started) / 1e9
}

const destination = (path) => `dst/${relative(source, path)}`

/** The methods, each given a fresh bucket and the endpoint to use. */
const methods = {
  uploadDirectory: {
    label: 'Volume.uploadDirectory (GcsBlobStore; quota on, sizeGb 10)',
    async run(endpoint, bucket) {
      const store = new VolumeStore({ blobs: new GcsBlobStore({ apiEndpoint: endpoint, projectId, bucket }) })
      const volume = await store.create('bench', { sizeGb: 10 })
      return time(() => volume.uploadDirectory(source, '/dst', { concurrency: CONCURRENCY }))
    },
  },
  uploadDirectoryNoQuota: {
    label: 'Volume.uploadDirectory, VolumeStore `quota: false`',
    async run(endpoint, bucket) {
      const store = new VolumeStore({ blobs: new GcsBlobStore({ apiEndpoint: endpoint, projectId, bucket }), quota: false })
      const volume = await store.create('bench', { sizeGb: 10 })
      return time(() => volume.uploadDirectory(source, '/dst', { concurrency: CONCURRENCY }))
    },
  },
  adapterPut: {
    label: 'GcsBlobStore.put per file (adapter alone, no core)',
    async run(endpoint, bucket) {
      const blobs = new GcsBlobStore({ apiEndpoint: endpoint, projectId, bucket })
      return time(() =>
        pool(paths, CONCURRENCY, async (path) => {
          const data = await readFile(path)
          await blobs.put(destination(path), data, { contentLength: data.byteLength, contentType: 'application/octet-stream' })
        }),
      )
    },
  },
  rawSingleRequest: {
    label: 'raw client, single request (`bucket.upload`, `resumable: false`)',
    async run(endpoint, bucket) {
      // The raw client as an application would build it: library defaults, retries included.
      const target = new Storage({ apiEndpoint: endpoint, projectId }).bucket(bucket)
      return time(() => pool(paths, CONCURRENCY, (path) => target.upload(path, { destination: destination(path), resumable: false })))
    },
  },
  rawResumable: {
    label: 'raw client, default resumable (`bucket.upload`)',
    async run(endpoint, bucket) {
      const target = new Storage({ apiEndpoint: endpoint, projectId }).bucket(bucket)
      return time(() => pool(paths, CONCURRENCY, (path) => target.upload(path, { destination: destination(path) })))
    },
  },
}
const names = Object.keys(methods)

async function measure(endpoint) {
  const results = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that no method always runs first (or last) in a round.
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const [bucket] = await admin.createBucket(`bench-${Date.now().toString(36)}-${bucketCount++}`)
      results[name].push(await methods[name].run(endpoint, bucket.name))
      const [files] = await bucket.getFiles()
      if (files.length < FILES) throw new Error(`${name} left ${files.length} objects, expected at least ${FILES}`)
      await pool(files, 16, (file) => file.delete())
      await bucket.delete()
    }
  }
  return results
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rate = (s) => `${Math.round(FILES / s)} files/s`
console.log(
  `fake-gcs-server ${fakeGcsServerVersion} (memory backend, 127.0.0.1): ${FILES} files × ${SIZE / 1024} KiB, concurrency ${CONCURRENCY}, ` +
    `median of ${ROUNDS} rounds; ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
)
try {
  for (const latency of LATENCIES) {
    const proxy = latency > 0 ? await startLatencyProxy(service.url, latency) : undefined
    try {
      const results = await measure(proxy?.url ?? service.url)
      const base = median(results.uploadDirectory)
      console.log(`\n${latency > 0 ? `+${latency} ms per request (latency proxy)` : 'loopback, no added latency'}`)
      console.log(`rounds (s): ${names.map((n) => `${n} ${results[n].map((s) => s.toFixed(2)).join('/')}`).join('; ')}`)
      console.log('| method | seconds | throughput | time ÷ uploadDirectory time |')
      console.log('| --- | ---: | ---: | ---: |')
      for (const name of names) {
        const seconds = median(results[name])
        console.log(`| ${methods[name].label} | ${seconds.toFixed(2)} | ${rate(seconds)} | ${(seconds / base).toFixed(2)} |`)
      }
    } finally {
      await proxy?.close()
    }
  }
} finally {
  await service.stop()
  rmSync(work, { recursive: true, force: true })
}
