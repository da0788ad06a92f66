import { openApiPath, type JsonSchema, type OpenApiDocument } from '@volumes/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './helpers.js'

let f: Fixture
let doc: OpenApiDocument

beforeAll(async () => {
  f = await makeFixture()
  doc = (await (await f.call('GET', '/openapi.json', { key: undefined })).json()) as OpenApiDocument
})
afterAll(() => f.cleanup())

const methods = new Set(['get', 'put', 'post', 'delete', 'patch'])

/** A small JSON Schema checker: $ref, type, properties, required, items, enum, additionalProperties, oneOf, date-time. */
function check(schema: JsonSchema, value: unknown, where: string, problems: string[]): void {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '')
    const target = doc.components.schemas[name]
    if (!target) return void problems.push(`${where}: unknown $ref ${schema.$ref}`)
    return check(target, value, where, problems)
  }
  if (Array.isArray(schema.oneOf)) {
    const matches = (schema.oneOf as JsonSchema[]).filter((option) => {
      const inner: string[] = []
      check(option, value, where, inner)
      return inner.length === 0
    })
    if (matches.length !== 1) problems.push(`${where}: matches ${matches.length} of oneOf`)
    return
  }
  const type = schema.type as string | undefined
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  if (type === 'integer' ? !Number.isInteger(value) : type !== undefined && actual !== type) return void problems.push(`${where}: expected ${type}, got ${actual}`)
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} not in enum`)
  if (schema.format === 'date-time' && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) problems.push(`${where}: not a date-time`)
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((item, index) => check(schema.items as JsonSchema, item, `${where}[${index}]`, problems))
  if (actual === 'object') {
    const object = value as Record<string, unknown>
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) problems.push(`${where}: missing ${name}`)
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {}
    for (const [name, item] of Object.entries(object)) {
      if (properties[name]) check(properties[name], item, `${where}.${name}`, problems)
      else if (typeof schema.additionalProperties === 'object') check(schema.additionalProperties as JsonSchema, item, `${where}.${name}`, problems)
    }
  }
}

/** The documented operation a request hits, by matching its path against the document's templates. */
function operationOf(method: string, path: string): Record<string, any> {
  const pathname = path.split('?')[0]!
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{path\}/g, '.*').replace(/\{[^}]+\}/g, '[^/]+')}$`)
    if (pattern.test(pathname) && item[method.toLowerCase()]) return item[method.toLowerCase()] as Record<string, any>
  }
  throw new Error(`no documented operation for ${method} ${path}`)
}

/** Makes a call and checks its status is documented and its JSON body matches the schema for it. */
async function conforms(method: string, path: string, body?: unknown, expected?: number): Promise<any> {
  const response = await f.call(method, path, { body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) })
  if (expected !== undefined) expect(response.status, `${method} ${path}`).toBe(expected)
  const operation = operationOf(method, path)
  const documented = operation.responses[String(response.status)] ?? (response.status >= 400 ? operation.responses.default : undefined)
  expect(documented, `${method} ${path} → ${response.status} is documented`).toBeDefined()
  const text = await response.text()
  const schema = documented.content?.['application/json']?.schema as JsonSchema | undefined
  if (!schema) return text
  const value = JSON.parse(text)
  const problems: string[] = []
  check(schema, value, `${method} ${path}`, problems)
  expect(problems).toEqual([])
  return value
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with unique operation ids', () => {
    expect(doc.openapi).toBe('3.1.0')
    const ids = Object.values(doc.paths).flatMap((item) => Object.entries(item).filter(([method]) => methods.has(method)).map(([, op]) => (op as { operationId: string }).operationId))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('lists every route the app registers, and nothing else', () => {
    const registered = new Set(f.handler.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${openApiPath(route.path)}`))
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((method) => methods.has(method)).map((method) => `${method.toUpperCase()} ${path}`)))
    expect([...registered].sort()).toEqual([...documented].sort())
    expect(registered.size).toBeGreaterThanOrEqual(22)
  })

  it('declares every path parameter its template uses', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])
      for (const [method, op] of Object.entries(item)) {
        if (!methods.has(method)) continue
        const declared = ((op as { parameters?: Array<{ name: string; in: string }> }).parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)
        expect(declared.sort(), `${method} ${path}`).toEqual([...names].sort())
      }
    }
  })

  it('has a checker that catches a wrong body (the checker itself works)', () => {
    const problems: string[] = []
    check({ $ref: '#/components/schemas/EntryInfo' }, { name: 'x', type: 'socket', size: 1.5, atime: 'yesterday' }, 'entry', problems)
    expect(problems).toEqual(expect.arrayContaining(['entry: missing path', 'entry.type: "socket" not in enum', 'entry.size: expected integer, got number', 'entry.atime: not a date-time']))
  })

  it('describes what the server answers', async () => {
    const created = await conforms('POST', '/volumes', { name: 'docs', labels: { a: 'b' } }, 201)
    await conforms('GET', '/volumes', undefined, 200)
    await conforms('GET', `/volumes/${created.volumeId}`, undefined, 200)
    await conforms('PUT', '/volumes/docs/files/dir/f.txt', 'content', 201)
    await conforms('GET', '/volumes/docs/stat/dir/f.txt', undefined, 200)
    await conforms('GET', '/volumes/docs/list/?depth=2', undefined, 200)
    await conforms('POST', '/volumes/docs/dirs/d2', { mode: 0o750 }, 201)
    await conforms('PATCH', '/volumes/docs/files/dir/f.txt', { mode: 0o600 }, 200)
    await conforms('POST', '/volumes/docs/copy', { from: '/dir', to: '/dir2', recursive: true }, 200)
    await conforms('POST', '/volumes/docs/rename', { from: '/dir2', to: '/dir3' }, 200)
    await conforms('POST', '/volumes/docs/tokens', { readOnly: true }, 201)
    await conforms('POST', '/attachments', { holderId: 'h1', mounts: { '/mnt': 'docs' } }, 201)
    await conforms('POST', '/attachments/h1/renew', {}, 200)
    await conforms('GET', '/attachments/h1', undefined, 200)
    await conforms('GET', '/volumes/docs/attachments', undefined, 200)
    await conforms('DELETE', '/attachments/h1', undefined, 204)
    await conforms('GET', '/healthz', undefined, 200)
    await conforms('GET', '/volumes/docs/stat/missing', undefined, 404)
    await conforms('POST', '/volumes', '{', 400)
    await conforms('DELETE', '/volumes/docs/files/dir3/f.txt', undefined, 204)
    await conforms('DELETE', '/volumes/docs?force=true', undefined, 204)
  })
})
