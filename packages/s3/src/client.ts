import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { ResolvedTuning } from './config.js'

/**
 * Builds the `S3Client` an adapter uses when none is injected:
 * - a keep-alive socket pool of `maxSockets` (our own agents, so that the SDK's
 *   `Expect: 100-continue` requests reuse them instead of opening one-off sockets);
 * - a connection timeout, and a timeout on waiting for response headers that fails the request;
 * - the SDK's retries off (`maxAttempts: 1`) unless the config says otherwise;
 * - with a custom `endpoint`: path-style addressing and region `us-east-1` unless given.
 */
export function createS3Client(config: S3ClientConfig, tuning: ResolvedTuning): S3Client {
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: tuning.maxSockets, scheduling: 'lifo' as const }
  const customEndpoint = config.endpoint !== undefined
  return new S3Client({
    maxAttempts: 1,
    ...(customEndpoint ? { forcePathStyle: true, region: 'us-east-1' } : {}),
    ...config,
    requestHandler: config.requestHandler ?? new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: tuning.connectionTimeoutMs,
      requestTimeout: tuning.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  })
}
