import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveTarget, type TargetPolicy } from '@pb/shared/node';

/** SPEC §14: a 2xx within 5 s is delivered; anything slower is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 5000;
/** Enough of an error answer to show in the delivery log. */
const ERROR_BODY_KEPT = 300;

/** A receiver answered, but not with a 2xx. */
export class ReceiverError extends Error {
  override readonly name = 'ReceiverError';
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}${body ? `: ${body}` : ''}`);
  }
}

/** A lookup that always answers the address that was checked, however it is asked. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * POSTs a JSON body to a webhook, Teams or Slack target. The host is resolved and
 * checked against the policy here, at delivery, and the connection goes to exactly the
 * address that was checked (DNS is not asked again), so a name that changes to a
 * private address after creation, or between check and connect, is still refused.
 *
 * @throws TargetRefusedError, TargetUnresolvedError, ReceiverError (non-2xx), or a network/timeout error.
 */
export async function postJson(target: string, body: string, headers: Record<string, string>, policy: TargetPolicy, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<number> {
  const signal = AbortSignal.timeout(timeoutMs);
  const resolved = await resolveTarget(target, policy);
  const client = resolved.url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      resolved.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'PressureBoard-Notifications/1', ...headers },
        lookup: pinnedLookup(resolved.address, resolved.family),
        // A connection of its own: a pooled socket could have been opened for an address checked under another answer.
        agent: false,
        signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < ERROR_BODY_KEPT) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => {
          if (status >= 200 && status < 300) resolve(status);
          else reject(new ReceiverError(status, Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_KEPT).replace(/\s+/g, ' ').trim()));
        });
        response.on('error', reject);
      },
    );
    request.on('error', (error) => reject(signal.aborted ? new Error(`no answer within ${timeoutMs / 1000} s`) : error));
    request.end(body);
  });
}
