import { VolumeError } from '@volumes/core'
import type { Connection } from './connection.js'
import { requestLimitFor } from './request-limit.js'
import { requestBodyFailure, stopRequestBody } from './request-body.js'
import { errorFromFailure, errorFromResponse, type FailedRequest } from './response-error.js'

/** Query values; `undefined` and `false` are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>

/** One request to the server. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The already-encoded route, starting with `/` (see `routes.ts`). */
  readonly route: string
  readonly query?: Query | undefined
  /** A JSON body. */
  readonly json?: unknown
  /** A raw body; a `ReadableStream` is streamed (`duplex: 'half'`), never buffered. */
  readonly body?: BodyInit | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly signal?: AbortSignal | undefined
  /** For errors: the operation (`readFile`, `create`...) and the volume path or name. */
  readonly op: string
  readonly path?: string | undefined
}

/**
 * A thin `fetch` wrapper bound to one connection: adds the bearer key, turns error
 * responses and network failures into `VolumeError`s, and makes sure every response
 * body is either handed to the caller or consumed or cancelled here.
 */
export class HttpClient {
  constructor(readonly connection: Connection) {}

  /** Sends a request and returns a successful response, whose body the caller must consume or cancel. */
  async send(request: HttpRequest): Promise<Response> {
    const url = this.#url(request)
    const failed: FailedRequest = { method: request.method, url, apiUrl: this.connection.apiUrl, op: request.op, path: request.path }
    const headers: Record<string, string> = { authorization: `Bearer ${this.connection.apiKey}`, accept: 'application/json', ...request.headers }
    let body = request.body
    if (request.json !== undefined) {
      body = JSON.stringify(request.json)
      headers['content-type'] = 'application/json'
    }
    const streamed = typeof body === 'object' && body !== null && typeof (body as ReadableStream).getReader === 'function'
    let response: Response
    let release: (() => void) | undefined
    try {
      request.signal?.throwIfAborted()
      release = await requestLimitFor(this.connection.apiUrl, this.connection.maxConcurrentRequests).acquire(request.signal)
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        // A stream body cannot be replayed for a redirect anyway; with 'follow', fetch tees it and keeps every chunk until the end.
        ...(streamed ? { duplex: 'half', redirect: 'error' } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      } as RequestInit)
    } catch (error) {
      const failure = streamed ? requestBodyFailure(body) : undefined
      if (failure) throw failure.error
      const reported = errorFromFailure(error, failed, request.signal)
      if (streamed) stopRequestBody(body, reported)
      throw reported
    } finally {
      // Held until the response headers (or the failure): a body being read holds no slot.
      release?.()
    }
    if (!response.ok) {
      const error = await errorFromResponse(response, failed)
      // Refused before the whole body was read: fetch would otherwise go on sending it.
      if (streamed) stopRequestBody(body, error)
      throw error
    }
    return response
  }

  /** Sends a request and parses the JSON result. */
  async json<T>(request: HttpRequest): Promise<T> {
    const response = await this.send(request)
    try {
      return (await response.json()) as T
    } catch (error) {
      await response.body?.cancel().catch(() => undefined)
      if (error instanceof SyntaxError) {
        throw new VolumeError('EIO', { op: request.op, path: request.path, reason: 'BadResponse', detail: `the server sent invalid JSON (${error.message})`, cause: error })
      }
      throw errorFromFailure(error, { method: request.method, url: response.url, apiUrl: this.connection.apiUrl, op: request.op, path: request.path }, request.signal)
    }
  }

  /** Sends a request whose result has no body worth reading (204), and discards the body. */
  async empty(request: HttpRequest): Promise<Response> {
    const response = await this.send(request)
    await response.body?.cancel().catch(() => undefined)
    return response
  }

  #url(request: HttpRequest): string {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== false) params.set(name, String(value))
    }
    const search = params.size > 0 ? `?${params.toString()}` : ''
    return `${this.connection.apiUrl}${request.route}${search}`
  }
}
