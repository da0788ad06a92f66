import type { VolumeInfo } from '@volumes/core'

/** A volume record as plain JSON (dates as ISO strings). */
export function volumeJson(info: VolumeInfo): Record<string, unknown> {
  return {
    volumeId: info.volumeId,
    name: info.name,
    sizeGb: info.sizeGb,
    region: info.region,
    createdAt: info.createdAt.toISOString(),
    labels: { ...info.labels },
  }
}

/** Labels as `k=v,k2=v2` (empty when there are none). */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',')
}

/** Writes a value as indented JSON. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
}
