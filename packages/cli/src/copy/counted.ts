import type { TransferProgress } from '@volumes/core'

/**
 * Passes a byte stream through, reporting progress as one file of `total` bytes.
 * For single-file copies, where the directory transfers' per-file progress says nothing.
 */
export async function* counted(source: AsyncIterable<Uint8Array>, total: number, path: string, onProgress: (progress: TransferProgress) => void): AsyncGenerator<Uint8Array> {
  let done = 0
  for await (const chunk of source) {
    done += chunk.byteLength
    onProgress({ filesDone: 0, filesTotal: 1, bytesDone: done, bytesTotal: total, path })
    yield chunk
  }
  onProgress({ filesDone: 1, filesTotal: 1, bytesDone: done, bytesTotal: total, path })
}
