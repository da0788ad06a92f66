// pjdfstest (the POSIX file-system test suite) inside `volumes mount` on the local disk and on
// MinIO, and inside an s3fs mount of the same MinIO, in one run. Prints passed/total subtests
// per suite and target, as a Markdown table for docs/mount.md.
//
// Usage (as root, after `npm run build` and scripts/install/fuse.sh):
//   node bench/mount/pjdfstest.mjs [--targets ours-local,ours-minio,s3fs-minio] [suite...]
// Default suites (shortest first): mkdir rmdir symlink truncate ftruncate chmod unlink utimensat open chown rename.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { MemoryLeaseManager, VolumeStore, withRetry } from '../../packages/core/dist/index.js'
import { mountVolume } from '../../packages/fuse/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'
import { S3BlobStore } from '../../packages/s3/dist/index.js'
import { freshPrefix, machineLine, provideMinio } from '../s3/_service.mjs'

const run = promisify(execFile)
const args = process.argv.slice(2)
const targetsFlag = args.indexOf('--targets')
const targets = targetsFlag >= 0 ? args.splice(targetsFlag, 2)[1].split(',') : ['ours-local', 'ours-minio', 's3fs-minio']
const suites = args.length > 0 ? args : ['mkdir', 'rmdir', 'symlink', 'truncate', 'ftruncate', 'chmod', 'unlink', 'utimensat', 'open', 'chown', 'rename']
const pjd = process.env.PJDFSTEST_DIR ?? join(process.env.VOLUMES_BIN_DIR ?? join(homedir(), '.cache/volumes-bin'), 'pjdfstest')
/** Longest one test file may run before it is killed and its missing subtests count as failed. */
const FILE_TIMEOUT_MS = 180_000

/** Runs one .t file in `cwd`; returns its plan and passed count from the TAP output. */
function runTapFile(file, cwd) {
  return new Promise((resolve) => {
    // `cd` in the child: a spawn with `cwd` inside an in-process FUSE mount deadlocks (the parent waits
    // for the child's exec while the child's chdir waits for this process's FUSE handlers).
    const child = spawn('bash', ['-c', 'cd "$1" && exec bash "$2"', 'pjdfstest', cwd, file], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), FILE_TIMEOUT_MS)
    child.on('close', () => {
      clearTimeout(timer)
      const plan = Number(/^1\.\.(\d+)/m.exec(out)?.[1] ?? 0)
      const passed = out.split('\n').filter((line) => /^ok \d+/.test(line)).length
      resolve({ plan, passed })
    })
  })
}

/** passed/total subtests of one suite run inside `mountpoint`. */
async function runSuite(mountpoint, suite) {
  const dir = join(pjd, 'tests', suite)
  let passed = 0
  let total = 0
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.t')).sort()) {
    const work = join(mountpoint, `pjd-${suite}-${name.replace(/\W/g, '')}`)
    await mkdir(work)
    const result = await runTapFile(join(dir, name), work)
    passed += result.passed
    total += result.plan
  }
  return { passed, total }
}

/** Mounts our volume on `blobs`; returns the mountpoint and how to unmount. */
async function ourMount(label, blobs) {
  const dir = mkdtempSync(join(tmpdir(), `pjd-${label}-`))
  const mnt = join(dir, 'mnt')
  await mkdir(mnt)
  const store = new VolumeStore({ blobs, leases: new MemoryLeaseManager() })
  await store.create('pjdfstest')
  const mount = await mountVolume('pjdfstest', mnt, { store, cacheDir: dir, log: () => undefined })
  return { mnt, close: () => mount.unmount() }
}

/** An s3fs mount (its defaults) of a fresh prefix of the same MinIO bucket. */
async function s3fsMount(minio) {
  const dir = mkdtempSync(join(tmpdir(), 'pjd-s3fs-'))
  const mnt = join(dir, 'mnt')
  await mkdir(mnt)
  const passwd = join(dir, 'passwd')
  writeFileSync(passwd, `${minio.service.accessKeyId}:${minio.service.secretAccessKey}\n`, { mode: 0o600 })
  const prefix = freshPrefix('pjd-s3fs').replace(/\/$/, '')
  await run('s3fs', [`${minio.bucket}:/${prefix}`, mnt, '-o', `passwd_file=${passwd},url=${minio.service.endpoint},use_path_request_style,allow_other`])
  return { mnt, close: () => run('fusermount', ['-u', mnt]).catch(() => run('fusermount', ['-uz', mnt])) }
}

const minio = targets.some((t) => t.endsWith('-minio')) ? await provideMinio('volumes-bench') : undefined
const mounts = {}
for (const target of targets) {
  if (target === 'ours-local') mounts[target] = await ourMount('local', new LocalBlobStore({ root: mkdtempSync(join(tmpdir(), 'pjd-local-store-')) }))
  else if (target === 'ours-minio') mounts[target] = await ourMount('minio', withRetry(await S3BlobStore.open({ ...minio.clientConfig, bucket: minio.bucket, prefix: freshPrefix('pjd') })))
  else if (target === 's3fs-minio') mounts[target] = await s3fsMount(minio)
  else throw new Error(`unknown target ${target}`)
}
// Suite by suite, each on every target in turn, so that a partial run still compares like with like.
const results = {}
for (const suite of suites) {
  for (const target of targets) {
    const started = Date.now()
    const r = (results[`${target}/${suite}`] = await runSuite(mounts[target].mnt, suite))
    console.error(`${target} ${suite}: ${r.passed}/${r.total} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  }
}
for (const target of targets) await mounts[target].close()
console.log(`pjdfstest ${new Date().toISOString().slice(0, 10)}; ${minio ? machineLine(minio.service) : ''}`)
console.log(`| suite | ${targets.join(' | ')} |`)
console.log(`| --- | ${targets.map(() => '---').join(' | ')} |`)
for (const suite of suites) console.log(`| ${suite} | ${targets.map((t) => `${results[`${t}/${suite}`].passed}/${results[`${t}/${suite}`].total}`).join(' | ')} |`)
await minio?.service.stop()
process.exit(0)
