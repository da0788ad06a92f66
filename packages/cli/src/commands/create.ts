import { expectPositionals, parseInteger } from '../args.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import { formatLabels, toJson, volumeJson } from '../volume-json.js'

/** `volumes create <name> [--size GB] [--region r] [--label k=v]...` */
export const create = defineCommand({
  name: 'create',
  group: 'volumes',
  summary: 'Create a volume',
  usage: '<name> [--size GB] [--region REGION] [--label KEY=VALUE]...',
  details: ['Names: letters, digits and hyphens. Sizes: whole GB, 1-100 by default.', '', 'Example: volumes create my-vol --size 5 --label team=data'],
  options: {
    size: { type: 'string', valueName: 'GB', description: 'Size limit in GB (default 1)' },
    region: { type: 'string', valueName: 'REGION', description: "Region to bind the volume to (default: the store's)" },
    label: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'A label' },
    json: { type: 'boolean', description: 'Print the new record as JSON' },
  },
  async run(context, { values, positionals }) {
    expectPositionals(positionals, 'create', 1, 1, 'volume name')
    const labels: Record<string, string> = {}
    for (const label of values.label ?? []) {
      const at = label.indexOf('=')
      if (at <= 0) throw new UsageError(`--label must be KEY=VALUE (got '${label}')`, 'create')
      labels[label.slice(0, at)] = label.slice(at + 1)
    }
    const store = await context.store()
    const volume = await store.create(positionals[0]!, {
      sizeGb: values.size === undefined ? undefined : parseInteger(values.size, '--size', 'create', 0, Number.MAX_SAFE_INTEGER),
      region: values.region,
      labels,
    })
    const info = volume.info
    if (values.json) return context.print(toJson(volumeJson(info)))
    const labelText = formatLabels(info.labels)
    context.print(`created volume ${info.name} (${info.volumeId}), ${info.sizeGb} GB in ${info.region}${labelText ? `, labels ${labelText}` : ''}`)
  },
})
