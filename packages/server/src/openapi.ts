import { e2bApiKeyScheme, e2bOpenApiPaths } from './e2b/openapi-paths.js'

/** A JSON Schema (the OpenAPI 3.1 dialect), as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>

/** An OpenAPI 3.1 document, as plain data. */
export interface OpenApiDocument {
  readonly openapi: string
  readonly info: Readonly<Record<string, unknown>>
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly components: { readonly schemas: Readonly<Record<string, JsonSchema>>; readonly [key: string]: unknown }
  readonly [key: string]: unknown
}

/** The OpenAPI form of a Hono route path: `:name` → `{name}`, a trailing `*` → `{path}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/\*$/, '/{path}')
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })
const string: JsonSchema = { type: 'string' }
const time: JsonSchema = { type: 'string', format: 'date-time' }
const integer: JsonSchema = { type: 'integer' }
const boolean: JsonSchema = { type: 'boolean' }
const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({ type: 'object', properties, required })
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items })

const schemas: Record<string, JsonSchema> = {
  Error: object({ error: object({ code: string, message: string, op: string, path: string, reason: string, temporary: boolean }, ['code', 'message']) }, ['error']),
  VolumeInfo: object(
    { volumeId: string, name: string, sizeGb: integer, region: string, createdAt: time, labels: { type: 'object', additionalProperties: string } },
    ['volumeId', 'name', 'sizeGb', 'region', 'createdAt', 'labels'],
  ),
  EntryInfo: object(
    {
      name: string, type: { type: 'string', enum: ['file', 'directory', 'symlink'] }, path: string, size: integer,
      mode: { type: 'integer', description: 'permission bits, e.g. 420 for 0644' }, uid: integer, gid: integer, atime: time, mtime: time, ctime: time, target: string,
    },
    ['name', 'type', 'path', 'size', 'mode', 'uid', 'gid', 'atime', 'mtime', 'ctime'],
  ),
  Lease: object(
    { volumeId: string, holderId: string, mode: { type: 'string', enum: ['exclusive', 'shared', 'readonly'] }, token: { type: 'integer', description: 'fencing token' }, expiresAt: time, path: string },
    ['volumeId', 'holderId', 'mode', 'token', 'expiresAt'],
  ),
  Mount: object(
    { path: string, volumeId: string, name: string, token: { type: 'string', description: 'volume token for this mount' }, mode: string, expiresAt: { ...time, description: 'lease expiry' }, tokenExpiresAt: time },
    ['path', 'volumeId', 'name', 'token', 'mode', 'expiresAt'],
  ),
  Attachment: object({ holderId: string, mode: string, mounts: arrayOf(ref('Mount')) }, ['holderId', 'mounts']),
  Token: object({ token: string, expiresAt: time, volumeId: string, readOnly: boolean }, ['token', 'expiresAt']),
  CreateVolume: object({ name: string, sizeGb: integer, region: string, labels: { type: 'object', additionalProperties: string } }, ['name']),
  CreateToken: object({ readOnly: boolean, ttlSeconds: integer }),
  Snapshot: object({ snapshotId: string, volumeId: string, name: string, createdAt: time, files: integer, bytes: integer, labels: { type: 'object', additionalProperties: string } }, ['snapshotId', 'volumeId', 'createdAt', 'files', 'bytes']),
  CreateSnapshot: object({ name: string, labels: { type: 'object', additionalProperties: string } }),
  Fork: object({ name: string, sizeGb: integer, labels: { type: 'object', additionalProperties: string } }, ['name']),
  Restore: object({ snapshotId: string, holderId: string }, ['snapshotId']),
  Ownership: object({ mode: integer, uid: integer, gid: integer }),
  MakeDir: object({ force: boolean, mode: integer, uid: integer, gid: integer }),
  Move: object({ from: string, to: string, recursive: boolean }, ['from', 'to']),
  Attach: object(
    {
      holderId: string,
      mounts: { type: 'object', additionalProperties: { oneOf: [string, object({ name: string, sizeGb: integer }, ['name'])] } },
      mode: { type: 'string', enum: ['exclusive', 'shared', 'readonly'] }, ttlMs: integer, region: string,
    },
    ['holderId', 'mounts'],
  ),
  Renew: object({ ttlMs: integer }),
}

type Param = { name: string; in: 'path' | 'query' | 'header'; schema: JsonSchema; description?: string; required?: boolean }
const volumeParam: Param = { name: 'volume', in: 'path', required: true, schema: string, description: 'volume id or name' }
const pathParam: Param = { name: 'path', in: 'path', required: true, schema: string, description: 'the rest of the URL: a path inside the volume, percent-decoded once, slashes included' }
const holderParam: Param = { name: 'holderId', in: 'path', required: true, schema: string }
const snapshotParam: Param = { name: 'snapshot', in: 'path', required: true, schema: string, description: 'snapshot id (snap-...)' }
const query = (name: string, schema: JsonSchema, description?: string): Param => ({ name, in: 'query', schema, ...(description ? { description } : {}) })

const jsonContent = (schema: JsonSchema): object => ({ 'application/json': { schema } })
const errorResponse = { description: 'error (see docs/http-api.md for the status of each code)', content: jsonContent(ref('Error')) }

interface OperationSpec {
  operationId: string
  summary: string
  parameters?: Param[]
  body?: JsonSchema | 'bytes'
  status: string
  response?: JsonSchema | 'bytes' | 'text'
  security?: boolean
}

function operation(spec: OperationSpec): object {
  const content =
    spec.response === undefined ? undefined
      : spec.response === 'bytes' ? { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }
        : spec.response === 'text' ? { 'text/plain': { schema: string } }
          : jsonContent(spec.response)
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body === undefined ? {} : {
      requestBody: { required: spec.body === 'bytes', content: spec.body === 'bytes' ? { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } : jsonContent(spec.body) },
    }),
    responses: { [spec.status]: { description: spec.summary, ...(content ? { content } : {}) }, default: errorResponse },
    ...(spec.security === false ? { security: [] } : {}),
  }
}

const ownershipQuery = [query('mode', string, 'permission bits in octal, e.g. 644'), query('uid', integer), query('gid', integer)]

/** The OpenAPI 3.1 document of the server, served at `GET /openapi.json`. A test keeps it equal to the routes. */
export function openApiDocument(options: { serverUrl?: string; e2bPrefix?: string | undefined } = {}): OpenApiDocument {
  const v = [volumeParam]
  const vp = [volumeParam, pathParam]
  return {
    openapi: '3.1.0',
    info: { title: 'volumes', version: '0.1.0', description: 'Persistent POSIX-like volumes on object storage. See docs/http-api.md.' },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API key, or a volume token (vt_...)' },
        ...(options.e2bPrefix === undefined ? {} : { e2bApiKey: e2bApiKeyScheme }),
      },
    },
    paths: {
      '/volumes': {
        post: operation({ operationId: 'createVolume', summary: 'Create a volume', body: ref('CreateVolume'), status: '201', response: ref('VolumeInfo') }),
        get: operation({ operationId: 'listVolumes', summary: "The team's volumes", status: '200', response: arrayOf(ref('VolumeInfo')) }),
      },
      '/volumes/{volume}': {
        get: operation({ operationId: 'getVolume', summary: 'A volume', parameters: v, status: '200', response: ref('VolumeInfo') }),
        delete: operation({ operationId: 'destroyVolume', summary: 'Destroy a volume and its files', parameters: [...v, query('force', boolean, 'also when attached')], status: '204' }),
      },
      '/volumes/{volume}/tokens': {
        post: operation({ operationId: 'createToken', summary: 'A volume token (scoped to one volume)', parameters: v, body: ref('CreateToken'), status: '201', response: ref('Token') }),
      },
      '/volumes/{volume}/snapshots': {
        post: operation({ operationId: 'createSnapshot', summary: 'Snapshot the volume (one point in time)', parameters: v, body: ref('CreateSnapshot'), status: '201', response: ref('Snapshot') }),
        get: operation({ operationId: 'listSnapshots', summary: "The volume's snapshots", parameters: v, status: '200', response: arrayOf(ref('Snapshot')) }),
      },
      '/volumes/{volume}/restore': {
        post: operation({ operationId: 'restore', summary: "Make the volume's content a snapshot's (EBUSY while another holder is attached)", parameters: v, body: ref('Restore'), status: '200', response: ref('Snapshot') }),
      },
      '/snapshots/{snapshot}': {
        get: operation({ operationId: 'getSnapshot', summary: 'A snapshot', parameters: [snapshotParam], status: '200', response: ref('Snapshot') }),
        delete: operation({ operationId: 'deleteSnapshot', summary: 'Delete a snapshot (forks keep their content)', parameters: [snapshotParam], status: '204' }),
      },
      '/snapshots/{snapshot}/fork': {
        post: operation({ operationId: 'fork', summary: 'A new volume with the snapshot\'s content', parameters: [snapshotParam], body: ref('Fork'), status: '201', response: ref('VolumeInfo') }),
      },
      '/volumes/{volume}/attachments': {
        get: operation({ operationId: 'listVolumeAttachments', summary: "The volume's leases", parameters: v, status: '200', response: arrayOf(ref('Lease')) }),
      },
      '/volumes/{volume}/files/{path}': {
        get: operation({
          operationId: 'readFile', summary: 'Read a file (streamed, one version: ETag; Range: bytes=a-b gives 206)', status: '200', response: 'bytes',
          parameters: [
            ...vp,
            { name: 'range', in: 'header', schema: string, description: 'bytes=a-b, bytes=a- or bytes=-n' },
            { name: 'if-match', in: 'header', schema: string, description: "ETags (or *): 412 when the file's current version is another one" },
            { name: 'if-range', in: 'header', schema: string, description: 'an ETag or the Last-Modified date: the range if the file is still that version, else the whole file' },
          ],
        }),
        put: operation({
          operationId: 'writeFile', summary: 'Write a whole file (streamed body, size limit: 413)', body: 'bytes', status: '201', response: ref('EntryInfo'),
          parameters: [...vp, ...ownershipQuery, query('exclusive', boolean), query('mtime', time)],
        }),
        delete: operation({ operationId: 'remove', summary: 'Remove a file or directory', parameters: [...vp, query('recursive', boolean), query('force', boolean)], status: '204' }),
        patch: operation({ operationId: 'updateMetadata', summary: 'Change mode, uid, gid', parameters: vp, body: ref('Ownership'), status: '200', response: ref('EntryInfo') }),
      },
      '/volumes/{volume}/stat/{path}': {
        get: operation({ operationId: 'stat', summary: 'Describe an entry', parameters: vp, status: '200', response: ref('EntryInfo') }),
      },
      '/volumes/{volume}/list/{path}': {
        get: operation({ operationId: 'list', summary: 'List a directory', parameters: [...vp, query('depth', integer, '1 to 10')], status: '200', response: arrayOf(ref('EntryInfo')) }),
      },
      '/volumes/{volume}/dirs/{path}': {
        post: operation({ operationId: 'makeDir', summary: 'Create a directory', parameters: vp, body: ref('MakeDir'), status: '201', response: ref('EntryInfo') }),
      },
      '/volumes/{volume}/rename': {
        post: operation({ operationId: 'rename', summary: 'Rename a file or directory', parameters: v, body: ref('Move'), status: '200', response: ref('EntryInfo') }),
      },
      '/volumes/{volume}/copy': {
        post: operation({ operationId: 'copy', summary: 'Copy a file or directory', parameters: v, body: ref('Move'), status: '200', response: ref('EntryInfo') }),
      },
      '/volumes/{volume}/events': {
        get: operation({
          operationId: 'watch', summary: 'Change events as Server-Sent Events (id: cursor; resume with Last-Event-ID)', status: '200', response: 'text',
          parameters: [...v, query('path', string, 'directory to watch, default /'), query('recursive', boolean), query('since', string, 'cursor to resume after (or the Last-Event-ID header)')],
        }),
      },
      '/attachments': {
        post: operation({ operationId: 'attach', summary: 'Attach volumes to a holder (all or nothing; 423 when attached elsewhere)', body: ref('Attach'), status: '201', response: ref('Attachment') }),
      },
      '/attachments/{holderId}/renew': {
        post: operation({ operationId: 'renew', summary: "Renew a holder's leases (tokens may change)", parameters: [holderParam], body: ref('Renew'), status: '200', response: ref('Attachment') }),
      },
      '/attachments/{holderId}': {
        get: operation({ operationId: 'listHolderAttachments', summary: "The holder's leases", parameters: [holderParam], status: '200', response: arrayOf(ref('Lease')) }),
        delete: operation({ operationId: 'release', summary: "Release a holder's leases (idempotent)", parameters: [holderParam], status: '204' }),
      },
      '/openapi.json': { get: operation({ operationId: 'openapi', summary: 'This document', status: '200', response: { type: 'object' }, security: false }) },
      '/metrics': { get: operation({ operationId: 'metrics', summary: 'Prometheus metrics (an API key unless public)', status: '200', response: 'text' }) },
      '/healthz': { get: operation({ operationId: 'health', summary: 'Liveness', status: '200', response: object({ ok: boolean }, ['ok']), security: false }) },
      ...(options.e2bPrefix === undefined ? {} : e2bOpenApiPaths(options.e2bPrefix)),
    },
  }
}
