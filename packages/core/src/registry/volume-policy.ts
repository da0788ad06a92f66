import { VolumeError } from '../errors/volume-error.js'

/** Rules for volume names. */
export interface NamePolicy {
  readonly pattern: RegExp
  readonly maxLength: number
  /** Said in the error when a name breaks the rule. */
  readonly description: string
}

/** Rules for volume sizes, in GB. */
export interface SizePolicy {
  readonly minGb: number
  readonly maxGb: number
  /** Used when `create` is given no size. */
  readonly defaultGb: number
}

/** Letters, digits and hyphens, up to 63 characters: the E2B rule. The default. */
export const lettersDigitsHyphens: NamePolicy = {
  pattern: /^[A-Za-z0-9-]+$/,
  maxLength: 63,
  description: 'Volume names can only contain letters, numbers, and hyphens (at most 63 characters)',
}

/** Lowercase letters, digits and underscores, up to 30 characters: the one-volume-per-sandbox provider's rule. */
export const lowercaseUnderscores: NamePolicy = {
  pattern: /^[a-z0-9_]+$/,
  maxLength: 30,
  description: 'Volume name must be lowercase alphanumeric and underscores (at most 30 characters)',
}

/** 1–100 GB, 1 GB when unspecified. */
export const defaultSizePolicy: SizePolicy = { minGb: 1, maxGb: 100, defaultGb: 1 }

/** Throws EINVAL (reason `InvalidVolumeName`) when `name` breaks the policy. */
export function checkVolumeName(name: unknown, policy: NamePolicy): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > policy.maxLength || !policy.pattern.test(name)) {
    throw new VolumeError('EINVAL', { op: 'create', path: typeof name === 'string' ? name : undefined, reason: 'InvalidVolumeName', detail: policy.description })
  }
  return name
}

/** Throws EINVAL (reason `InvalidVolumeSize`) when the size is not a whole number of GB within the policy. */
export function checkVolumeSize(sizeGb: unknown, policy: SizePolicy): number {
  const size = sizeGb === undefined ? policy.defaultGb : sizeGb
  if (typeof size !== 'number' || !Number.isInteger(size) || size < policy.minGb || size > policy.maxGb) {
    throw new VolumeError('EINVAL', { op: 'create', reason: 'InvalidVolumeSize', detail: `Size must be ${policy.minGb}-${policy.maxGb} GB (got ${String(sizeGb)})` })
  }
  return size
}

/** Checks labels: at most 64, keys up to 63 characters of `[A-Za-z0-9._-]`, values up to 256 characters. */
export function checkLabels(labels: unknown): Record<string, string> {
  if (labels === undefined) return {}
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new VolumeError('EINVAL', { op: 'create', reason: 'InvalidLabels', detail: 'labels must be an object of strings' })
  }
  const entries = Object.entries(labels)
  const bad = entries.find(([key, value]) => !/^[A-Za-z0-9._-]{1,63}$/.test(key) || typeof value !== 'string' || value.length > 256)
  if (entries.length > 64 || bad) {
    throw new VolumeError('EINVAL', { op: 'create', reason: 'InvalidLabels', detail: `labels: at most 64, keys [A-Za-z0-9._-]{1,63}, string values up to 256 characters${bad ? ` (bad: "${bad[0]}")` : ''}` })
  }
  return Object.fromEntries(entries) as Record<string, string>
}
