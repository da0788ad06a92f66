import { VolumeError, type SnapshotInfo } from '@volumes/core'
import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'
import { formatShortDate, formatTable } from '../format.js'
import { toJson } from '../volume-json.js'

function snapshotJson(info: SnapshotInfo): Record<string, unknown> {
  return { snapshotId: info.snapshotId, volumeId: info.volumeId, name: info.name ?? null, createdAt: info.createdAt.toISOString(), files: info.files, bytes: info.bytes, labels: info.labels }
}

/** `volumes snapshot create|list|delete` */
export const snapshot = defineCommand({
  name: 'snapshot',
  group: 'volumes',
  summary: 'Snapshot a volume, list or delete its snapshots',
  usage: 'create <volume> [--name n] | list <volume> [--json] | delete <snapshot-id>',
  details: [
    'create: an immutable copy of the whole volume as of one point in time (writers go on); prints its id.',
    'A volume with snapshots can be destroyed only with `volumes destroy` after `snapshot delete`.',
  ],
  options: {
    name: { type: 'string', description: 'A name for the snapshot (create)' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  async run(context, { values, positionals }) {
    const action = positionals[0]
    const store = await context.store()
    if (action === 'create') {
      expectPositionals(positionals, 'snapshot', 2, 2, 'create <volume>')
      const volume = await store.connect(positionals[1]!)
      const info = await volume.snapshot({ ...(typeof values.name === 'string' ? { name: values.name } : {}), ...context.signalOption })
      if (values.json) return context.print(toJson(snapshotJson(info)))
      return context.print(`${info.snapshotId}  (${info.files} files, ${info.bytes} bytes)`)
    }
    if (action === 'list') {
      expectPositionals(positionals, 'snapshot', 2, 2, 'list <volume>')
      const snapshots = await store.listSnapshots(positionals[1]!, context.signalOption)
      if (values.json) return context.print(toJson(snapshots.map(snapshotJson)))
      if (snapshots.length === 0) return context.note('no snapshots (take one with: volumes snapshot create <volume>)')
      const rows = [['ID', 'NAME', 'FILES', 'BYTES', 'CREATED'], ...snapshots.map((s) => [s.snapshotId, s.name ?? '-', String(s.files), String(s.bytes), formatShortDate(s.createdAt)])]
      for (const line of formatTable(rows, [2, 3])) context.print(line)
      return
    }
    if (action === 'delete') {
      expectPositionals(positionals, 'snapshot', 2, 2, 'delete <snapshot-id>')
      const id = positionals[1]!
      if (!(await store.deleteSnapshot(id, context.signalOption))) throw new VolumeError('ENOENT', { op: 'deleteSnapshot', path: id, reason: 'SnapshotNotFound', detail: `Snapshot "${id}" not found` })
      return context.print(`deleted snapshot ${id}`)
    }
    throw new VolumeError('EINVAL', { op: 'snapshot', reason: 'InvalidArguments', detail: 'usage: volumes snapshot create <volume> | list <volume> | delete <snapshot-id>' })
  },
})
