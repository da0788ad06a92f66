import type { BlobCallOptions, BlobStore } from '@volumes/core'

/** Wraps a BlobStore and records every key (and prefix) each call touched. */
export function recordKeys(inner: BlobStore): { store: BlobStore; touched: string[] } {
  const touched: string[] = []
  const store: BlobStore = {
    capabilities: inner.capabilities,
    head: (key, options) => (touched.push(key), inner.head(key, options)),
    get: (key, options) => (touched.push(key), inner.get(key, options)),
    put: (key, body, options) => (touched.push(key), inner.put(key, body, options)),
    list: (prefix, options) => (touched.push(prefix), inner.list(prefix, options)),
    delete: (keys, options) => (touched.push(...keys), inner.delete(keys, options)),
    ...(inner.deleteIfMatch ? { deleteIfMatch: (key: string, version: string, options?: BlobCallOptions) => (touched.push(key), inner.deleteIfMatch!(key, version, options)) } : {}),
    copy: (from, to, options) => (touched.push(from, to), inner.copy(from, to, options)),
    setMetadata: (key, metadata, options) => (touched.push(key), inner.setMetadata(key, metadata, options)),
  }
  return { store, touched }
}
