// Soak: several worker processes run a random mix of volume operations on a few small volumes
// (quota on, leases in Redis) on MinIO for SOAK_SECONDS, while a worker is SIGKILLed every
// SOAK_KILL_EVERY_S (and replaced) and Redis is killed and restarted empty every
// SOAK_REDIS_RESTART_S. Worker 0 is never killed: its RSS and open fds show whether memory and
// sockets stay flat. At the end: usage object == recount for every volume, bytes <= size, no
// object outside the registry and the live volumes, no multipart upload left. Mismatches are
// printed as such (exit code 1). Needs the packages built (npx tsc -b packages/s3 packages/redis
// packages/testkit) and the minio and redis-server binaries (scripts/install-test-services.sh).
//
//   node bench/soak/soak.mjs            # 600 s, 4 workers
//   SOAK_SECONDS=120 node bench/soak/soak.mjs
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { S3BlobStore } from '../../packages/s3/dist/index.js'
import { startRedis } from '../../packages/testkit/dist/services/redis.js'
import { freshPrefix, machineLine, provideMinio } from '../s3/_service.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const env = (name, fallback) => Number(process.env[name] ?? fallback)
const seconds = env('SOAK_SECONDS', 600)
const workerCount = env('SOAK_WORKERS', 4)
const killEveryS = env('SOAK_KILL_EVERY_S', 30)
const redisRestartS = env('SOAK_REDIS_RESTART_S', 120)
const volumeCount = env('SOAK_VOLUMES', 3)
const bytesPerGb = env('SOAK_VOLUME_BYTES', 4 * 1024 * 1024)
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`)

const { service: minio, bucket, clientConfig } = await provideMinio('volumes-soak')
const redis = await startRedis({ restartable: true })
const prefix = freshPrefix('soak')
const s3Settings = { ...clientConfig, bucket }
const admin = await S3BlobStore.open({ ...s3Settings, prefix })
const store = new VolumeStore({ blobs: admin, quota: { bytesPerGb } })
const volumes = []
for (let i = 0; i < volumeCount; i++) volumes.push((await store.create(`soak-${i}`, { sizeGb: 1 })).name)
log(`soak: ${seconds} s, ${workerCount} workers, ${volumeCount} volumes of ${bytesPerGb} bytes, kill every ${killEveryS} s, Redis restart every ${redisRestartS} s; load ${loadavg()}`)

const settings = (holderId) => ({ s3: s3Settings, prefix, redis: { host: redis.host, port: redis.port }, keyPrefix: 'soak', volumes, holderId, bytesPerGb, reportEveryMs: 5000 })
const workers = new Map() // slot -> { child, stats, generation }
const finished = [] // last stats of every worker that ended (killed or stopped)
const steady = [] // samples of worker 0: { t, rss, fds }
const started = Date.now()
let kills = 0
let redisRestarts = 0

function spawnWorker(slot, generation) {
  const child = fork(join(here, '_worker.mjs'), [JSON.stringify(settings(`soak-w${slot}-g${generation}`))], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--no-deprecation'] })
  const entry = { child, stats: undefined, generation }
  child.on('message', (message) => {
    if (message?.type !== 'stats') return
    entry.stats = message
    if (slot === 0) steady.push({ t: (Date.now() - started) / 1000, rss: message.rss, heapUsed: message.heapUsed, fds: message.fds })
  })
  child.once('exit', () => finished.push(entry))
  workers.set(slot, entry)
}
for (let slot = 0; slot < workerCount; slot++) spawnWorker(slot, 0)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
let nextKill = killEveryS
let nextRedis = redisRestartS
while ((Date.now() - started) / 1000 < seconds) {
  await sleep(1000)
  const elapsed = (Date.now() - started) / 1000
  if (elapsed >= nextKill && workerCount > 1) {
    nextKill += killEveryS
    const slot = 1 + Math.floor(Math.random() * (workerCount - 1))
    const victim = workers.get(slot)
    const exited = new Promise((resolve) => victim.child.once('exit', resolve))
    victim.child.kill('SIGKILL')
    await exited
    kills++
    spawnWorker(slot, victim.generation + 1)
    log(`killed worker ${slot} (generation ${victim.generation}), started its replacement`)
  }
  if (elapsed >= nextRedis) {
    nextRedis += redisRestartS
    await redis.kill()
    await sleep(1000)
    await redis.restart()
    redisRestarts++
    log(`Redis killed and restarted empty (${redisRestarts})`)
  }
}

log('stopping workers (SIGTERM)')
await Promise.all([...workers.values()].map(({ child }) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve()
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  child.once('exit', () => resolve(clearTimeout(timer)))
  child.kill('SIGTERM')
})))

// Totals over every worker process that ran (a killed one counts up to its last report).
const totals = { ok: {}, expected: {}, unexpected: {} }
const samples = []
for (const { stats } of finished) {
  if (!stats) continue
  for (const kind of Object.keys(totals)) for (const [key, n] of Object.entries(stats.counts[kind])) totals[kind][key] = (totals[kind][key] ?? 0) + n
  samples.push(...stats.unexpectedSamples)
}
const sum = (bucket) => Object.values(bucket).reduce((a, b) => a + b, 0)
log(`operations: ${sum(totals.ok)} succeeded, ${sum(totals.expected)} refused as designed, ${sum(totals.unexpected)} unexpected errors`)
console.log('succeeded:', totals.ok)
console.log('refused as designed:', totals.expected)
console.log('unexpected:', totals.unexpected, samples.slice(0, 10))

const problems = []
for (const name of volumes) {
  const volume = await store.connect(name)
  const counted = await volume.getUsage()
  const recount = await store.recomputeUsage(name)
  const line = `${name}: usage object ${counted.bytes} B / ${counted.inodes} inodes, recount ${recount.bytes} B / ${recount.inodes} inodes, limit ${recount.sizeBytes} B`
  log(line)
  if (counted.bytes !== recount.bytes || counted.inodes !== recount.inodes) problems.push(`usage != recount: ${line}`)
  if (recount.bytes > recount.sizeBytes) problems.push(`over quota: ${line}`)
}

const live = new Set((await store.list()).map((info) => info.volumeId))
const orphans = []
let objects = 0
let cursor
do {
  const page = await admin.list('', { cursor })
  for (const { key } of page.objects) {
    objects++
    const top = key.split('/')[0]
    if (top !== '.registry' && !live.has(top)) orphans.push(key)
  }
  cursor = page.cursor
} while (cursor)
const raw = new S3Client(clientConfig)
const uploads = (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? []
raw.destroy()
log(`objects under the prefix: ${objects}; outside the registry and the live volumes: ${orphans.length}; multipart uploads left: ${uploads.length}`)
if (orphans.length > 0) problems.push(`orphaned objects: ${orphans.slice(0, 10).join(', ')}${orphans.length > 10 ? ', ...' : ''}`)
if (uploads.length > 0) problems.push(`multipart uploads left: ${uploads.length}`)

// Worker 0's memory and fds: the first minute is warm-up; compare the rest's first and last samples.
const MiB = 1024 * 1024
const settled = steady.filter((sample) => sample.t >= Math.min(60, seconds / 4))
if (settled.length >= 2) {
  const first = settled[0]
  const last = settled.at(-1)
  const rss = settled.map((s) => s.rss / MiB)
  const fds = settled.map((s) => s.fds)
  log(`worker 0 (never killed), after warm-up: RSS ${(first.rss / MiB).toFixed(1)} -> ${(last.rss / MiB).toFixed(1)} MiB (min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)}), heap ${(first.heapUsed / MiB).toFixed(1)} -> ${(last.heapUsed / MiB).toFixed(1)} MiB, fds ${first.fds} -> ${last.fds} (min ${Math.min(...fds)}, max ${Math.max(...fds)}), ${settled.length} samples`)
  if (last.fds > first.fds + 10) problems.push(`fds grew: ${first.fds} -> ${last.fds}`)
  if (last.rss > first.rss * 1.5 + 32 * MiB) problems.push(`RSS grew: ${(first.rss / MiB).toFixed(1)} -> ${(last.rss / MiB).toFixed(1)} MiB`)
}
if (sum(totals.unexpected) > 0) problems.push(`${sum(totals.unexpected)} unexpected errors`)

log(`${kills} workers killed, ${redisRestarts} Redis restarts, ${finished.length} worker processes in all`)
log(machineLine(minio))
console.log(problems.length === 0 ? 'SOAK OK: usage == recount on every volume, no orphans, RSS and fds flat' : `SOAK FOUND PROBLEMS:\n- ${problems.join('\n- ')}`)

admin.destroy()
await redis.stop()
await minio.stop()
process.exit(problems.length === 0 ? 0 : 1)
