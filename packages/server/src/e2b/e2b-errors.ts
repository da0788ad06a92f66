import { describeError } from '../errors.js'

/**
 * Which half of the E2B API a route belongs to: the management API (`E2B_API_URL`, its
 * errors carry the HTTP status as a number `code`) or the volume content API
 * (`E2B_VOLUME_API_URL`, its errors carry a string `code`).
 */
export type E2bApiKind = 'management' | 'content'

/**
 * Any thrown value as an E2B error response: the status and message of the server's own
 * mapping (`describeError`, see docs/http-api.md), in E2B's body shapes:
 * - management: `{ code: <status>, error_code: 'ENOENT', message, reason? }`;
 * - content: `{ code: 'ENOENT', message, reason? }`.
 *
 * The SDK turns 401 into `AuthenticationError`, 404 into `VolumeNotFoundError` /
 * `VolumePathNotFoundError` (or `false` from `destroy`), 503 into `ServiceBusyError`, and
 * any other status into `VolumeError('<status>: <message>')`, so the message starts with
 * the core code (`409: EEXIST: file already exists, mkdir '/a'`).
 */
export function e2bErrorResponse(error: unknown, kind: E2bApiKind): Response {
  const { status, body, headers } = describeError(error)
  const { code, message, reason } = body.error
  const payload = kind === 'management' ? { code: status, error_code: code, message, reason } : { code, message, reason }
  return Response.json(payload, { status, headers: { ...headers, 'cache-control': 'no-store' } })
}
