import { fsckBucket, fsckVolume, VolumeError, type FsckOutcome, type FsckSummary } from '@volumes/core'
import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'
import { blobStoreFromUrl } from '../store-from-url.js'

const storeUrl = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//

/** `volumes fsck <volume|store-url> [--repair] [--json]` */
export const fsck = defineCommand({
  name: 'fsck',
  group: 'volumes',
  summary: 'Find (and --repair) foreign or inconsistent objects in a volume or a bucket',
  usage: '<volume|store-url> [--repair] [--json]',
  details: [
    'A volume of the store (--store) is checked with its usage and the registry; a store URL (s3://bucket/prefix, gs://bucket/prefix, file:///dir) is checked as a bucket opened as a volume.',
    'Finds metadata written by s3fs, rclone, gcsfuse or gsutil in their own forms, legacy dir_$folder$ markers, zero-byte directory objects, keys under a file, implicit directories, usage that disagrees with a recount and orphaned registry records. --repair rewrites each into our form; an interrupted run is finished by running it again.',
    'One line per finding on stdout; progress on stderr. Exit status 1 while findings remain unrepaired.',
    'Example: volumes fsck s3://my-bucket/data --repair',
  ],
  options: {
    repair: { type: 'boolean', description: 'Rewrite what is found into our form' },
    json: { type: 'boolean', description: 'One JSON object per finding, then the summary' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'fsck', 1, 1, 'volume name or store URL')
    const target = positionals[0]!
    const onFinding = (outcome: FsckOutcome): void => {
      if (values.json) return context.print(JSON.stringify({ kind: outcome.kind, key: outcome.key, path: outcome.path, detail: outcome.detail, repaired: outcome.repaired, ...(outcome.error ? { error: outcome.error } : {}) }))
      const state = outcome.repaired ? 'repaired' : values.repair ? `not repaired: ${outcome.error ?? 'no repair'}` : outcome.repair ? 'repairable' : 'needs a decision'
      context.print(`${outcome.kind}\t${outcome.path || outcome.key}\t${outcome.detail}\t${state}`)
    }
    const onProgress = (progress: { objects: number; findings: number; repaired: number }): void =>
      context.note(`fsck: ${progress.objects} objects, ${progress.findings} findings, ${progress.repaired} repaired`)
    const options = { repair: values.repair === true, onFinding, onProgress, ...context.signalOption }
    const summary: FsckSummary = storeUrl.test(target)
      ? await fsckBucket(await blobStoreFromUrl(new URL(target)), '', options)
      : await fsckVolume(await context.store(), target, options)
    if (values.json) context.print(JSON.stringify({ summary }))
    context.note(`fsck: done: ${summary.objects} objects, ${summary.findings} findings, ${summary.repaired} repaired, ${summary.unrepaired} left`)
    if (summary.unrepaired > 0) {
      throw new VolumeError('EIO', { op: 'fsck', path: target, reason: 'FsckFindings', detail: `${summary.unrepaired} finding(s) left${values.repair ? '' : ' (run with --repair)'}` })
    }
  },
})
