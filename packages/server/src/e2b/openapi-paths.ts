type Json = Readonly<Record<string, unknown>>

const string: Json = { type: 'string' }
const integer: Json = { type: 'integer' }
const volumeAndToken: Json = { type: 'object', properties: { volumeID: string, name: string, token: string }, required: ['volumeID', 'name', 'token'] }
const volume: Json = { type: 'object', properties: { volumeID: string, name: string }, required: ['volumeID', 'name'] }
const entry: Json = { $ref: '#/components/schemas/EntryInfo' }
const e2bError: Json = { type: 'object', properties: { code: { type: ['integer', 'string'] }, error_code: string, message: string, reason: string }, required: ['code', 'message'] }

const param = (name: string, where: 'path' | 'query', schema: Json, required = where === 'path'): Json => ({ name, in: where, required, schema })
const volumeId = param('volumeID', 'path', string)
const path = param('path', 'query', string, true)
const ownership = [param('mode', 'query', integer), param('uid', 'query', integer), param('gid', 'query', integer)]
const json = (schema: Json): Json => ({ 'application/json': { schema } })

function op(operationId: string, summary: string, security: 'key' | 'token', parameters: Json[], status: string, response?: Json, body?: Json): Json {
  return {
    operationId: `e2b.${operationId}`,
    summary,
    tags: ['e2b'],
    parameters,
    ...(body ? { requestBody: { required: true, content: body } } : {}),
    responses: { [status]: { description: summary, ...(response ? { content: json(response) } : {}) }, default: { description: "an error, in E2B's shape", content: json(e2bError) } },
    security: [security === 'key' ? { e2bApiKey: [] } : { bearer: [] }],
  }
}

/** The security scheme of E2B's management routes (`X-API-KEY`). */
export const e2bApiKeyScheme: Json = { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'an API key of the server' }

/** The OpenAPI paths of the E2B-compatible routes under `prefix` (docs/http-api.md, "E2B-compatible API"). */
export function e2bOpenApiPaths(prefix: string): Record<string, Json> {
  const content = `${prefix}/volumecontent/{volumeID}`
  return {
    [`${prefix}/volumes`]: {
      post: op('createVolume', 'Create a volume (E2B)', 'key', [], '201', volumeAndToken, json({ type: 'object', properties: { name: string }, required: ['name'] })),
      get: op('listVolumes', "The team's volumes (E2B)", 'key', [], '200', { type: 'array', items: volume }),
    },
    [`${prefix}/volumes/{volumeID}`]: {
      get: op('getVolume', 'A volume and a token for its content (E2B)', 'key', [volumeId], '200', volumeAndToken),
      delete: op('destroyVolume', 'Destroy a volume (E2B)', 'key', [volumeId], '204'),
    },
    [`${content}/dir`]: {
      get: op('list', 'List a directory (E2B)', 'token', [volumeId, path, param('depth', 'query', integer)], '200', { type: 'array', items: entry }),
      post: op('mkdir', 'Create a directory (E2B)', 'token', [volumeId, path, ...ownership, param('force', 'query', { type: 'boolean' })], '201', entry),
    },
    [`${content}/path`]: {
      get: op('stat', 'Describe an entry (E2B)', 'token', [volumeId, path], '200', entry),
      patch: op('updateMetadata', 'Change mode, uid, gid (E2B)', 'token', [volumeId, path], '200', entry, json({ $ref: '#/components/schemas/Ownership' })),
      delete: op('rm', 'Remove a file, or a directory with its contents unless recursive=false (E2B)', 'token', [volumeId, path, param('recursive', 'query', { type: 'boolean' })], '204'),
    },
    [`${content}/file`]: {
      get: op('readFile', 'Read a file, streamed (E2B)', 'token', [volumeId, path], '200'),
      put: op('writeFile', 'Write a file, streamed; force=false is an exclusive create (E2B)', 'token', [volumeId, path, ...ownership, param('force', 'query', { type: 'boolean' })], '201', entry,
        { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }),
    },
  }
}
