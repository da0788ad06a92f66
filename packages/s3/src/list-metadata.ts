import { Readable } from 'node:stream'
import type { ListObjectsV2Command } from '@aws-sdk/client-s3'

/**
 * MinIO's ListObjectsV2 extension `metadata=true`: each `<Contents>` then carries a
 * `<UserMetadata>` element (`<X-Amz-Meta-Mode>33188</X-Amz-Meta-Mode>`, `<content-type>`...).
 * The SDK neither sends the parameter nor parses the element, so two middlewares on the
 * one command do: the first adds the query parameter, the second keeps a copy of the raw
 * XML before the SDK's deserializer reads it.
 */

/** User metadata and content type of one listed object, as the raw listing gave them. */
export interface ListedMetadata {
  /** The `<Key>` text, XML entities decoded (still URL-encoded when the listing was). */
  readonly key: string
  /** Lowercased metadata names without `x-amz-meta-`. */
  readonly metadata: Record<string, string>
  readonly contentType: string | undefined
}

/** Asks for metadata on `command`; the returned function gives the parsed entries once it has run. */
export function requestListMetadata(command: ListObjectsV2Command): () => ListedMetadata[] | undefined {
  let raw: string | undefined
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { query?: Record<string, string> }
      if (request.query) request.query.metadata = 'true'
      return next(args)
    },
    { step: 'build', name: 'volumesListMetadataQuery' },
  )
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args)
      const response = result.response as { statusCode?: number; body?: unknown }
      if (response.statusCode === 200 && response.body instanceof Readable) {
        const chunks: Buffer[] = []
        for await (const chunk of response.body) chunks.push(chunk as Buffer)
        const bytes = Buffer.concat(chunks)
        raw = bytes.toString('utf8')
        response.body = Readable.from([bytes])
      }
      return result
    },
    { step: 'deserialize', name: 'volumesListMetadataCapture', priority: 'low' },
  )
  return () => (raw === undefined ? undefined : parseListMetadata(raw))
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes the five XML entities and numeric character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10))
    return entities[name] ?? whole
  })
}

/** The `<Contents>` entries of a raw ListObjectsV2 response that carry `<UserMetadata>`. */
export function parseListMetadata(xml: string): ListedMetadata[] {
  const out: ListedMetadata[] = []
  for (const [, contents = ''] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const key = /<Key>([^<]*)<\/Key>/.exec(contents)?.[1]
    const user = /<UserMetadata>([\s\S]*?)<\/UserMetadata>/.exec(contents)?.[1]
    if (key === undefined || user === undefined) continue
    const metadata: Record<string, string> = {}
    let contentType: string | undefined
    for (const [, name = '', value = ''] of user.matchAll(/<([A-Za-z0-9_.:-]+)>([^<]*)<\/\1>/g)) {
      const lower = name.toLowerCase()
      if (lower.startsWith('x-amz-meta-')) metadata[lower.slice('x-amz-meta-'.length)] = decodeXmlText(value)
      else if (lower === 'content-type') contentType = decodeXmlText(value)
    }
    out.push({ key: decodeXmlText(key), metadata, contentType })
  }
  return out
}
