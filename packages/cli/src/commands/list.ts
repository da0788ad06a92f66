import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'
import { formatShortDate, formatTable } from '../format.js'
import { formatLabels, toJson, volumeJson } from '../volume-json.js'

/** `volumes list [--json]` */
export const list = defineCommand({
  name: 'list',
  group: 'volumes',
  summary: 'List volumes',
  usage: '[--json]',
  options: {
    json: { type: 'boolean', description: 'Print the records as a JSON array' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'list', 0, 0, '')
    const volumes = await (await context.store()).list(context.signalOption)
    if (values.json) return context.print(toJson(volumes.map(volumeJson)))
    if (volumes.length === 0) return context.note('no volumes (create one with: volumes create <name>)')
    const rows = [
      ['NAME', 'ID', 'SIZE', 'REGION', 'CREATED', 'LABELS'],
      ...volumes.map((volume) => [volume.name, volume.volumeId, `${volume.sizeGb} GB`, volume.region, formatShortDate(volume.createdAt), formatLabels(volume.labels)]),
    ]
    for (const line of formatTable(rows, [2])) context.print(line)
  },
})
