import type { S3BlobStoreOptions } from './config.js'
import { S3BlobStore } from './s3-blob-store.js'

/** Options of {@link R2BlobStore}: those of `S3BlobStore`, with the account id in place of region and endpoint. */
export interface R2BlobStoreOptions extends Omit<S3BlobStoreOptions, 'region' | 'endpoint'> {
  /** The Cloudflare account id: the endpoint is `https://<accountId>.r2.cloudflarestorage.com`. */
  readonly accountId: string
  /** A data-location jurisdiction (`eu`, `fedramp`): the endpoint becomes `<accountId>.<jurisdiction>.r2.cloudflarestorage.com`. */
  readonly jurisdiction?: string | undefined
  /** Overrides the endpoint built from the account id (tests point it at MinIO). */
  readonly endpoint?: string | undefined
}

/** The R2 endpoint of an account. */
export function r2Endpoint(accountId: string, jurisdiction?: string): string {
  return `https://${accountId}${jurisdiction ? `.${jurisdiction}` : ''}.r2.cloudflarestorage.com`
}

/**
 * A BlobStore on Cloudflare R2: an `S3BlobStore` with R2's endpoint (from the account id),
 * region `auto`, checksums only where an operation requires one (R2 rejects some of the SDK's
 * default checksums), no ACLs, and no list-metadata extension. R2 honours `If-None-Match` and
 * `If-Match`; they are still probed unless `conditionalWrites: 'assume'`.
 *
 * @example
 * const blobs = await R2BlobStore.open({ accountId, bucket: 'volumes', credentials: { accessKeyId, secretAccessKey } })
 */
export class R2BlobStore extends S3BlobStore {
  constructor(options: R2BlobStoreOptions) {
    const { accountId, jurisdiction, endpoint, ...rest } = options
    super({
      listMetadata: false,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...rest,
      region: 'auto',
      endpoint: endpoint ?? r2Endpoint(accountId, jurisdiction),
    })
  }
}
