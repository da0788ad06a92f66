import { mkdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { MemoryBlobStore, VolumeError, withRetry, type BlobStore } from '@volumes/core'
import { UsageError } from './errors.js'

/** Opens the BlobStore a store URL names. */
export type StoreOpener = (url: URL) => BlobStore | Promise<BlobStore>

/** One URL scheme the CLI knows. */
export interface StoreScheme {
  /** The adapter package that serves this scheme. */
  readonly packageName: string
  /** Shown in help and errors, e.g. `s3://bucket/prefix`. */
  readonly example: string
  /** Absent while the adapter package has not been wired in: the scheme then fails with ENOTSUP naming the package. */
  readonly open?: StoreOpener | undefined
}

const schemes = new Map<string, StoreScheme>([
  ['file', { packageName: '@volumes/local', example: 'file:///path/to/dir', open: openLocal }],
  ['memory', { packageName: '@volumes/core', example: 'memory://', open: () => new MemoryBlobStore() }],
  ['s3', { packageName: '@volumes/s3', example: 's3://bucket/prefix' }],
  ['r2', { packageName: '@volumes/s3', example: 'r2://account/bucket' }],
  ['gs', { packageName: '@volumes/gcs', example: 'gs://bucket/prefix' }],
])

/** A key prefix from a URL path: `/a/b` → `a/b/`, nothing → `''`. */
function prefixOf(path: string): string {
  const trimmed = decodeURIComponent(path).replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '' : `${trimmed}/`
}

/** A query parameter of a store URL, else the first environment variable set. */
function setting(url: URL, name: string, ...envNames: string[]): string | undefined {
  const given = url.searchParams.get(name)
  if (given) return given
  for (const envName of envNames) if (process.env[envName]) return process.env[envName]
  return undefined
}

/**
 * `s3://bucket/prefix`: credentials from the AWS SDK's default chain (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, profiles...); endpoint from `?endpoint=` (what `--s3-endpoint`
 * sets), `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`; region from `?region=`, `AWS_REGION`
 * or `AWS_DEFAULT_REGION` (default `us-east-1`). Temporary errors are retried.
 */
async function openS3(url: URL): Promise<BlobStore> {
  const { S3BlobStore } = await import('@volumes/s3')
  if (!url.hostname) throw new UsageError(`an s3 store URL names a bucket: s3://bucket/prefix (got '${url.href}')`)
  const endpoint = setting(url, 'endpoint', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL')
  const region = setting(url, 'region', 'AWS_REGION', 'AWS_DEFAULT_REGION') ?? 'us-east-1'
  const store = await S3BlobStore.open({ bucket: url.hostname, prefix: prefixOf(url.pathname), region, ...(endpoint ? { endpoint } : {}) })
  return withRetry(store)
}

/**
 * `r2://<account>/<bucket>[/prefix]`: Cloudflare R2, credentials as for S3 (an R2 API token's
 * access key id and secret in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`); `?endpoint=`
 * overrides the account's endpoint, `?jurisdiction=eu` picks a jurisdiction.
 */
async function openR2(url: URL): Promise<BlobStore> {
  const { R2BlobStore } = await import('@volumes/s3')
  const [bucket = '', ...rest] = url.pathname.replace(/^\/+/, '').split('/')
  if (!url.hostname || !bucket) throw new UsageError(`an r2 store URL names an account and a bucket: r2://account/bucket/prefix (got '${url.href}')`)
  const endpoint = setting(url, 'endpoint')
  const jurisdiction = setting(url, 'jurisdiction')
  const store = await R2BlobStore.open({
    accountId: url.hostname,
    bucket,
    prefix: prefixOf(rest.join('/')),
    ...(endpoint ? { endpoint } : {}),
    ...(jurisdiction ? { jurisdiction } : {}),
  })
  return withRetry(store)
}

/**
 * `gs://bucket/prefix`: credentials from Google's application default credentials; an
 * emulator's endpoint from `?endpoint=` (what `--gcs-endpoint` sets) or
 * `STORAGE_EMULATOR_HOST`; the project from `?project=` or `GOOGLE_CLOUD_PROJECT`.
 */
async function openGcs(url: URL): Promise<BlobStore> {
  const { GcsBlobStore } = await import('@volumes/gcs')
  if (!url.hostname) throw new UsageError(`a gs store URL names a bucket: gs://bucket/prefix (got '${url.href}')`)
  const apiEndpoint = setting(url, 'endpoint', 'STORAGE_EMULATOR_HOST')
  const projectId = setting(url, 'project', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT') ?? (apiEndpoint ? 'volumes' : undefined)
  const store = new GcsBlobStore({ bucket: url.hostname, prefix: prefixOf(url.pathname), ...(apiEndpoint ? { apiEndpoint } : {}), ...(projectId ? { projectId } : {}) })
  return withRetry(store)
}

registerStoreScheme('s3', { packageName: '@volumes/s3', example: 's3://bucket/prefix', open: openS3 })
registerStoreScheme('r2', { packageName: '@volumes/s3', example: 'r2://account/bucket', open: openR2 })
registerStoreScheme('gs', { packageName: '@volumes/gcs', example: 'gs://bucket/prefix', open: openGcs })

/**
 * Adds or replaces a URL scheme: how an adapter package plugs into the CLI.
 *
 * @example
 * registerStoreScheme('s3', { packageName: '@volumes/s3', example: 's3://bucket/prefix', open: (url) => s3StoreFromUrl(url) })
 */
export function registerStoreScheme(scheme: string, entry: StoreScheme): void {
  schemes.set(scheme.replace(/:$/, '').toLowerCase(), entry)
}

/** The URL schemes known, with an example each. */
export function storeSchemes(): ReadonlyMap<string, StoreScheme> {
  return schemes
}

async function openLocal(url: URL): Promise<BlobStore> {
  let root: string
  try {
    root = fileURLToPath(url)
  } catch {
    throw new UsageError(`invalid file URL '${url.href}' (write file:///absolute/path)`)
  }
  await mkdir(root, { recursive: true })
  const { LocalBlobStore } = await import('@volumes/local')
  return new LocalBlobStore({ root })
}

/** Where the store URL came from, for messages. */
export type StoreSource = '--store' | 'VOLUMES_STORE' | 'VOLUMES_HOME' | 'default'

/**
 * Picks the store URL: `--store`, then `VOLUMES_STORE`, then the embedded default,
 * a local directory (`$VOLUMES_HOME`, else `~/.volumes/data`). A plain path (no
 * `scheme://`) is a local directory, relative to `cwd`.
 */
export function resolveStoreUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): { url: URL; source: StoreSource } {
  const given = flag ?? (env.VOLUMES_STORE || undefined)
  if (given !== undefined) return { url: toUrl(given, cwd), source: flag !== undefined ? '--store' : 'VOLUMES_STORE' }
  if (env.VOLUMES_HOME) return { url: toUrl(env.VOLUMES_HOME, cwd), source: 'VOLUMES_HOME' }
  return { url: toUrl(join(env.HOME || homedir(), '.volumes', 'data'), cwd), source: 'default' }
}

function toUrl(value: string, cwd: string): URL {
  if (value === '') throw new UsageError('the store URL is empty')
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) return pathToFileURL(isAbsolute(value) ? value : resolve(cwd, value))
  try {
    return new URL(value)
  } catch {
    throw new UsageError(`invalid store URL '${value}'`)
  }
}

/**
 * Opens the BlobStore for a store URL through the scheme registry. An unknown scheme
 * is a usage error; a known scheme whose adapter is not wired in is ENOTSUP naming the package.
 */
export async function blobStoreFromUrl(url: URL): Promise<BlobStore> {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase()
  const entry = schemes.get(scheme)
  if (!entry) {
    const known = [...schemes.values()].map((s) => s.example).join(', ')
    throw new UsageError(`unsupported store URL scheme '${scheme}://' (supported: ${known})`)
  }
  if (!entry.open) {
    throw new VolumeError('ENOTSUP', {
      op: 'store',
      path: url.href,
      reason: 'AdapterMissing',
      detail: `${scheme}:// stores need the ${entry.packageName} adapter, which this CLI does not include yet (install ${entry.packageName} and register it with registerStoreScheme)`,
    })
  }
  return entry.open(url)
}
