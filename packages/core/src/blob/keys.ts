/** Compares two keys in the byte order of their UTF-8 encodings, as S3 and GCS sort them. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Length of a string in UTF-8 bytes. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8')
}

/**
 * Splits sorted keys under `prefix` into objects and common prefixes, as a
 * delimiter listing does. Shared by adapters that list by scanning keys.
 */
export function groupByDelimiter(prefix: string, key: string, delimiter: string | undefined): { prefix: string } | { key: string } {
  if (delimiter === undefined) return { key }
  const at = key.indexOf(delimiter, prefix.length)
  return at === -1 ? { key } : { prefix: key.slice(0, at + delimiter.length) }
}
