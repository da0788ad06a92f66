import type { BlobStore } from '../blob/blob-store.js'

/** A layer wraps a BlobStore and returns a BlobStore with the same contract. */
export type BlobLayer = (inner: BlobStore) => BlobStore

/**
 * Builds a layer's store: every member of `inner` is forwarded except those in
 * `overrides`, so a layer writes only what it changes.
 */
export function forwardTo(inner: BlobStore, overrides: Partial<Omit<BlobStore, 'capabilities'>>): BlobStore {
  return {
    capabilities: inner.capabilities,
    head: overrides.head ?? inner.head.bind(inner),
    get: overrides.get ?? inner.get.bind(inner),
    put: overrides.put ?? inner.put.bind(inner),
    list: overrides.list ?? inner.list.bind(inner),
    delete: overrides.delete ?? inner.delete.bind(inner),
    copy: overrides.copy ?? inner.copy.bind(inner),
    setMetadata: overrides.setMetadata ?? inner.setMetadata.bind(inner),
  }
}

/** Applies layers in order: the first listed is the outermost. */
export function withLayers(inner: BlobStore, ...layers: BlobLayer[]): BlobStore {
  return layers.reduceRight((store, layer) => layer(store), inner)
}
