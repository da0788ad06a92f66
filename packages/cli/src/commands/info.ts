import { expectPositionals } from '../args.js'
import { defineCommand } from '../command.js'
import { formatLabels, toJson, volumeJson } from '../volume-json.js'

/** `volumes info <volume> [--json]` */
export const info = defineCommand({
  name: 'info',
  group: 'volumes',
  summary: "Show a volume's record",
  usage: '<volume> [--json]',
  options: {
    json: { type: 'boolean', description: 'Print the record as JSON' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'info', 1, 1, 'volume name or id')
    const record = await (await context.store()).getInfo(positionals[0]!)
    if (values.json) return context.print(toJson(volumeJson(record)))
    context.print(`Name:     ${record.name}`)
    context.print(`ID:       ${record.volumeId}`)
    context.print(`Size:     ${record.sizeGb} GB`)
    context.print(`Region:   ${record.region}`)
    context.print(`Created:  ${record.createdAt.toISOString()}`)
    context.print(`Labels:   ${formatLabels(record.labels) || '-'}`)
  },
})
