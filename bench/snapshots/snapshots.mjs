// Snapshot and fork of a volume on MinIO against a floor measured in the same run: a raw
// server-side CopyObject loop (the AWS SDK) over the same objects at the same concurrency (16).
// Rotating order, one warm-up, per-round paired ratios and their median, outputs verified,
// store requests counted. FILES (default 1000) x SIZE bytes (default 4096); ROUNDS (default 3).
// Usage: node bench/snapshots/snapshots.mjs   (after `npx tsc -b packages/core packages/s3 packages/testkit`)
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { S3BlobStore } from '../../packages/s3/dist/index.js'
import { freshPrefix, machineLine, median, pool, provideMinio, runRotatingRounds, time } from '../s3/_service.mjs'

const FILES = Number(process.env.FILES ?? 1000)
const SIZE = Number(process.env.SIZE ?? 4096)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const CONCURRENCY = 16

const { service, bucket, clientConfig } = await provideMinio()
const prefix = freshPrefix('snapshots')
const requests = { count: 0 }
const counted = (inner) => new Proxy(inner, {
  get(target, name) {
    const value = Reflect.get(target, name)
    if (typeof value !== 'function') return value
    return (...args) => {
      requests.count++
      return value.apply(target, args)
    }
  },
})
const blobs = counted(new S3BlobStore({ ...clientConfig, bucket, prefix }))
const store = new VolumeStore({ blobs, concurrency: CONCURRENCY })
const volume = await store.create('bench-source', { sizeGb: 10 })
const body = new Uint8Array(SIZE).fill(97)
const names = Array.from({ length: FILES }, (_, i) => `/d${i % 10}/f-${i}`)
await pool(names, CONCURRENCY, (name) => volume.writeFile(name, body))
const keys = (await (async () => {
  const all = []
  let cursor
  do {
    const page = await blobs.list(`${volume.volumeId}/`, { cursor })
    all.push(...page.objects.map((o) => o.key))
    cursor = page.cursor
  } while (cursor)
  return all
})())
const s3 = new S3Client(clientConfig)
const base = await store.getSnapshot((await volume.snapshot()).snapshotId)
let n = 0
const counts = { snapshot: [], fork: [], floor: [] }
const methods = {
  floor: {
    run: async () => {
      const round = n++
      return time(() => pool(keys, CONCURRENCY, (key) => s3.send(new CopyObjectCommand({ Bucket: bucket, CopySource: `${bucket}/${prefix}${key}`, Key: `${prefix}floor-${round}/${key}` }))))
    },
  },
  snapshot: {
    run: async () => {
      const before = requests.count
      let info
      const seconds = await time(async () => { info = await volume.snapshot() })
      counts.snapshot.push(requests.count - before)
      if (info.files !== FILES || info.bytes !== FILES * SIZE) throw new Error(`snapshot holds ${info.files} files, ${info.bytes} bytes`)
      return seconds
    },
  },
  fork: {
    run: async () => {
      const before = requests.count
      let forked
      const seconds = await time(async () => { forked = await store.fork(base.snapshotId, `bench-fork-${n++}`) })
      counts.fork.push(requests.count - before)
      if ((await forked.readFile(names[FILES - 1], { format: 'bytes' })).length !== SIZE) throw new Error('fork misses content')
      return seconds
    },
  },
}
const names3 = ['floor', 'snapshot', 'fork']
console.log(`warm-up`)
for (const name of names3) await methods[name].run()
for (const name of Object.keys(counts)) counts[name].length = 0
const results = await runRotatingRounds(methods, names3, ROUNDS)
const ratio = (name) => median(results[name].map((s, i) => s / results.floor[i]))
console.log(`\n${FILES} files x ${SIZE} B, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (median)`)
for (const name of names3) {
  const requestsOf = counts[name]?.[0]
  console.log(`${name.padEnd(8)} ${median(results[name]).toFixed(2)} s  ratio vs floor ${ratio(name).toFixed(2)}x${requestsOf === undefined ? `  CopyObject requests ${keys.length}` : `  BlobStore calls ${requestsOf}`}`)
}
console.log(machineLine(service))
s3.destroy()
await service.stop?.()
