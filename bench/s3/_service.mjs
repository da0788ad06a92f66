// Shared by the S3 benchmarks: a MinIO (VOLUMES_S3_ENDPOINT, else the minio binary via the
// testkit harness, else a container), a bucket, client settings, and the machine line.
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { startMinio } from '../../packages/testkit/dist/services/minio.js'

export const MiB = 1024 * 1024

/** Starts (or finds) MinIO and makes sure `bucket` exists. */
export async function provideMinio(bucket = 'volumes-bench') {
  const service = await startMinio()
  const clientConfig = {
    endpoint: service.endpoint,
    region: service.region,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    forcePathStyle: true,
  }
  const admin = new S3Client(clientConfig)
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (error) {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error
  } finally {
    admin.destroy()
  }
  return { service, bucket, clientConfig }
}

/** A prefix no other run uses. */
export const freshPrefix = (label) => `bench-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}/`

/** Seconds `fn` took. */
export async function time(fn) {
  const started = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - started) / 1e9
}

/** Runs `task` over `items`, `concurrency` at a time. */
export async function pool(items, concurrency, task) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++])
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** One line naming the machine and the server. */
export function machineLine(service) {
  let cpu = cpus()[0]?.model ?? 'unknown CPU'
  let load = ''
  try {
    load = execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')
  } catch {}
  let server = service.source
  if (service.details?.binary) {
    try {
      server = `minio binary (${execFileSync(service.details.binary, ['--version']).toString().split('\n')[0]})`
    } catch {}
  }
  return `${cpus().length} cores (${cpu.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${server}, load average at the end ${load}`
}

/**
 * Runs each method `ROUNDS` times (or its own `rounds`), rotating the order every round so
 * no method always runs first; logs each timing and returns the seconds per method.
 */
export async function runRotatingRounds(methods, names, rounds, digits = 2) {
  const results = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)]
    for (const name of order) {
      if (results[name].length >= (methods[name].rounds ?? rounds)) continue
      const seconds = await methods[name].run()
      results[name].push(seconds)
      console.log(`round ${round + 1}: ${name} ${seconds.toFixed(digits)} s`)
    }
  }
  return results
}
