// Issue 3, benchmark 3: `list` of a directory of 10,000 files with full metadata
// (Volume.list: name, type, size, mode, uid, gid, times) against raw ListObjectsV2 of the
// same prefix (keys, sizes and ETags only), on the same MinIO. Two more rows show what
// full metadata costs without MinIO's list-metadata extension: Volume.list through the
// R2 preset (which never asks for it, so the core HEADs every file), and raw
// ListObjectsV2 plus a HEAD per object at the same concurrency.
//
// Needs `npx tsc -b` first. BENCH_FILES (default 10000), BENCH_ROUNDS (3) and
// BENCH_HEAD_ROUNDS (1, for the two HEAD-per-file rows) override.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { VolumeStore } from '../../packages/core/dist/index.js'
import { R2BlobStore, S3BlobStore } from '../../packages/s3/dist/index.js'
import { freshPrefix, machineLine, median, pool, provideMinio, runRotatingRounds, time } from './_service.mjs'
import { writeSection } from './_report.mjs'

const FILES = Number(process.env.BENCH_FILES ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const HEAD_ROUNDS = Number(process.env.BENCH_HEAD_ROUNDS ?? 1)
const CONCURRENCY = 32

const work = mkdtempSync(join(tmpdir(), 'volumes-bench-s3-list-'))
const source = join(work, 'many')
mkdirSync(source)
for (let i = 0; i < FILES; i++) writeFileSync(join(source, `f${String(i).padStart(5, '0')}.txt`), `${i}\n`)

const { service, bucket, clientConfig } = await provideMinio()
const prefix = freshPrefix('list')
const s3 = new S3BlobStore({ ...clientConfig, bucket, prefix })
const volumes = new VolumeStore({ blobs: s3, quota: false })
const volume = await volumes.create('bench', { sizeGb: 10 })
const fill = await time(() => volume.uploadDirectory(source, '/many', { concurrency: 64 }))
console.log(`filled ${FILES} files in ${fill.toFixed(1)} s`)
const dirPrefix = `${prefix}${volume.volumeId}/many/`
const r2 = new R2BlobStore({ accountId: 'bench', endpoint: clientConfig.endpoint, credentials: clientConfig.credentials, bucket, prefix })
const r2Volume = await new VolumeStore({ blobs: r2, quota: false }).connect('bench')
const client = new S3Client(clientConfig)

async function rawList(withHeads, withMetadata = false) {
  let token
  let count = 0
  const keys = []
  do {
    const command = new ListObjectsV2Command({ Bucket: bucket, Prefix: dirPrefix, Delimiter: '/', ContinuationToken: token })
    if (withMetadata) {
      command.middlewareStack.add((next) => (args) => {
        args.request.query.metadata = 'true'
        return next(args)
      }, { step: 'build' })
    }
    const page = await client.send(command)
    const files = (page.Contents ?? []).filter((o) => o.Key !== dirPrefix) // the directory's own marker
    count += files.length
    if (withHeads) keys.push(...files.map((o) => o.Key))
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  if (withHeads) await pool(keys, CONCURRENCY, (Key) => client.send(new HeadObjectCommand({ Bucket: bucket, Key })))
  return count
}

const expectCount = (n, what) => {
  if (n !== FILES) throw new Error(`${what} listed ${n}, expected ${FILES}`)
}
const methods = {
  volumeList: {
    label: 'Volume.list (S3BlobStore, MinIO list metadata: mode/uid/gid/times for every file)',
    run: () => time(async () => expectCount((await volume.list('/many')).length, 'Volume.list')),
  },
  raw: {
    label: 'raw ListObjectsV2, 1,000 per page (keys, sizes, ETags; no user metadata)',
    run: () => time(async () => expectCount(await rawList(false), 'ListObjectsV2')),
  },
  rawMetadata: {
    label: 'raw ListObjectsV2 with MinIO `metadata=true` (the SDK skips the extra XML)',
    run: () => time(async () => expectCount(await rawList(false, true), 'ListObjectsV2 metadata=true')),
  },
  adapterList: {
    label: 'S3BlobStore.list pages (adapter alone, metadata parsed; no core)',
    run: () => time(async () => {
      let cursor
      let count = 0
      const relative = `${volume.volumeId}/many/`
      do {
        const page = await s3.list(relative, { delimiter: '/', cursor })
        count += page.objects.filter((o) => o.key !== relative).length
        cursor = page.cursor
      } while (cursor)
      expectCount(count, 'S3BlobStore.list')
    }),
  },
  r2List: {
    label: 'Volume.list via the R2 preset (no list metadata: the core HEADs each file)',
    rounds: HEAD_ROUNDS,
    run: () => time(async () => expectCount((await r2Volume.list('/many')).length, 'R2 Volume.list')),
  },
  rawHeads: {
    label: `raw ListObjectsV2 + HeadObject per file (concurrency ${CONCURRENCY})`,
    rounds: HEAD_ROUNDS,
    run: () => time(async () => expectCount(await rawList(true), 'ListObjectsV2 + HEAD')),
  },
}
const names = Object.keys(methods)
const results = await runRotatingRounds(methods, names, ROUNDS, 3)
client.destroy()
s3.destroy()
r2.destroy()
await service.stop()
rmSync(work, { recursive: true, force: true })

const measured = names.filter((name) => results[name].length > 0)
const m = Object.fromEntries(measured.map((name) => [name, median(results[name])]))
const lines = [
  `Run of ${new Date().toISOString().slice(0, 10)}: one directory of ${FILES} files written by uploadDirectory, listed with full metadata; median of ${ROUNDS} rounds (HEAD-per-file rows: ${HEAD_ROUNDS}).`,
  `Machine: ${machineLine(service)}.`,
  '',
  `Rounds (s): ${measured.map((name) => `${name} ${results[name].map((s) => s.toFixed(3)).join('/')}`).join('; ')}.`,
  '',
  '| method | seconds | entries/s | time ÷ raw ListObjectsV2 time |',
  '| --- | ---: | ---: | ---: |',
  ...measured.map((name) => `| ${methods[name].label} | ${m[name].toFixed(3)} | ${Math.round(FILES / m[name])} | ${(m[name] / m.raw).toFixed(2)} |`),
  '',
  `- Volume.list with full metadata takes **${(m.volumeList / m.raw).toFixed(2)} ×** the time of a bare ListObjectsV2 of the same prefix and ${(m.volumeList / m.rawMetadata).toFixed(2)} × that of a raw ListObjectsV2 asking for metadata.`,
  ...(m.r2List ? [`- Without the metadata extension (HEAD per file) Volume.list takes ${(m.r2List / m.volumeList).toFixed(1)} × as long.`] : []),
]
console.log(lines.join('\n'))
writeSection('list', lines.join('\n'))
