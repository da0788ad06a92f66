import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Options of {@link ServerMetrics}. */
export interface MetricsOptions {
  /** A registry to register into. Default: a new one per handler (never prom-client's global). */
  readonly registry?: Registry | undefined
  /** Prefix of metric names. Default `volumes_`. */
  readonly prefix?: string | undefined
  /** Also collect process metrics (CPU, memory, event loop lag). Default false. */
  readonly processMetrics?: boolean | undefined
}

/** One finished request, as the metrics see it. */
export interface RequestRecord {
  readonly method: string
  /** The route pattern, e.g. `/volumes/:volume/files/*` (never the raw path: bounded label values). */
  readonly route: string
  /** The operation, e.g. `writeFile`. */
  readonly op: string
  readonly status: number
  readonly seconds: number
  readonly bytesIn: number
  readonly bytesOut: number
  /** The error code of a failed request. */
  readonly errorCode?: string | undefined
}

/**
 * The server's Prometheus metrics: operations and HTTP requests by outcome, bytes in and
 * out, a latency histogram, and errors by code. Served as text at `GET /metrics`.
 */
export class ServerMetrics {
  readonly registry: Registry
  readonly #operations: Counter<'op' | 'outcome'>
  readonly #requests: Counter<'method' | 'route' | 'status'>
  readonly #bytesIn: Counter<'op'>
  readonly #bytesOut: Counter<'op'>
  readonly #latency: Histogram<'op'>
  readonly #errors: Counter<'code' | 'op'>
  /** Labelled children by label values: prom-client hashes labels on every call otherwise. Bounded: routes, methods, statuses and ops are finite. */
  readonly #requestChildren = new Map<string, { inc(): void }>()
  readonly #opChildren = new Map<string, { ok: { inc(): void }; error: { inc(): void }; latency: { observe(value: number): void }; bytesIn: { inc(value: number): void }; bytesOut: { inc(value: number): void } }>()

  constructor(options: MetricsOptions = {}) {
    const registry = options.registry ?? new Registry()
    const prefix = options.prefix ?? 'volumes_'
    this.registry = registry
    const registers = [registry]
    this.#operations = new Counter({ name: `${prefix}operations_total`, help: 'Volume operations by outcome (ok or error)', labelNames: ['op', 'outcome'], registers })
    this.#requests = new Counter({ name: `${prefix}http_requests_total`, help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers })
    this.#bytesIn = new Counter({ name: `${prefix}bytes_in_total`, help: 'File bytes received in request bodies', labelNames: ['op'], registers })
    this.#bytesOut = new Counter({ name: `${prefix}bytes_out_total`, help: 'File bytes sent in response bodies', labelNames: ['op'], registers })
    this.#latency = new Histogram({
      name: `${prefix}operation_duration_seconds`,
      help: 'Time from request to response headers, by operation',
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    })
    this.#errors = new Counter({ name: `${prefix}errors_total`, help: 'Failed requests by error code', labelNames: ['code', 'op'], registers })
    if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix })
  }

  /** Records one finished request. */
  record(request: RequestRecord): void {
    const { op } = request
    const requestKey = `${request.method} ${request.route} ${request.status}`
    let requests = this.#requestChildren.get(requestKey)
    if (!requests) {
      requests = this.#requests.labels({ method: request.method, route: request.route, status: String(request.status) })
      this.#requestChildren.set(requestKey, requests)
    }
    requests.inc()
    let perOp = this.#opChildren.get(op)
    if (!perOp) {
      perOp = { ok: this.#operations.labels({ op, outcome: 'ok' }), error: this.#operations.labels({ op, outcome: 'error' }), latency: this.#latency.labels({ op }), bytesIn: this.#bytesIn.labels({ op }), bytesOut: this.#bytesOut.labels({ op }) }
      this.#opChildren.set(op, perOp)
    }
    ;(request.status < 400 ? perOp.ok : perOp.error).inc()
    perOp.latency.observe(request.seconds)
    if (request.bytesIn > 0) perOp.bytesIn.inc(request.bytesIn)
    if (request.bytesOut > 0) perOp.bytesOut.inc(request.bytesOut)
    if (request.errorCode !== undefined) this.#errors.inc({ code: request.errorCode, op })
  }

  /** The metrics in Prometheus text format, with its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() }
  }
}
