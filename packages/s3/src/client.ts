import { Agent as HttpAgent, type AgentOptions } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Duplex } from 'node:stream'
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { ResolvedTuning } from './config.js'

type CreateConnection = (options: unknown, callback?: unknown) => Duplex | null | undefined

/**
 * Makes every new socket of `agent` fail with ETIMEDOUT when it has not connected within `ms`.
 * Done here, per socket, because the SDK's own connection timeout starts when a request is
 * queued: requests waiting for a free socket of a busy pool would time out without ever connecting.
 */
function withConnectTimeout<A extends HttpAgent>(agent: A, ms: number): A {
  const target = agent as unknown as { createConnection: CreateConnection }
  const original = target.createConnection.bind(agent)
  target.createConnection = (options, callback) => {
    const socket = original(options, callback)
    if (socket && (socket as Duplex & { connecting?: boolean }).connecting) {
      const timer = setTimeout(() => {
        socket.destroy(Object.assign(new Error(`connection not established within ${ms} ms`), { code: 'ETIMEDOUT' }))
      }, ms)
      socket.once('connect', () => clearTimeout(timer))
      socket.once('close', () => clearTimeout(timer))
    }
    return socket
  }
  return agent
}

/**
 * Builds the `S3Client` an adapter uses when none is injected:
 * - a keep-alive socket pool of `maxSockets` (our own agents, so that the SDK's
 *   `Expect: 100-continue` requests reuse them instead of opening one-off sockets);
 * - a per-socket connection timeout, and a timeout on waiting for response headers that fails
 *   the request (it counts time queued for a socket too, hence its generous default);
 * - the SDK's retries off (`maxAttempts: 1`) unless the config says otherwise;
 * - with a custom `endpoint`: path-style addressing and region `us-east-1` unless given.
 */
export function createS3Client(config: S3ClientConfig, tuning: ResolvedTuning): S3Client {
  const agentOptions: AgentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: tuning.maxSockets, scheduling: 'lifo' }
  const customEndpoint = config.endpoint !== undefined
  return new S3Client({
    maxAttempts: 1,
    ...(customEndpoint ? { forcePathStyle: true, region: 'us-east-1' } : {}),
    ...config,
    requestHandler: config.requestHandler ?? new NodeHttpHandler({
      httpAgent: withConnectTimeout(new HttpAgent(agentOptions), tuning.connectionTimeoutMs),
      httpsAgent: withConnectTimeout(new HttpsAgent(agentOptions), tuning.connectionTimeoutMs),
      requestTimeout: tuning.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  })
}
