import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { targetUrlProblem } from '../subscriptions.js';

/**
 * What a deployment allows webhook, Teams and Slack targets to be (SPEC §14):
 * https:// to public addresses unless told otherwise.
 */
export interface TargetPolicy {
  /** Loopback, private, link-local and other non-public addresses (PB_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Plain http:// (PB_WEBHOOK_ALLOW_HTTP). */
  allowHttp: boolean;
}

/** A target the policy refuses; not worth retrying while the policy and DNS stay as they are. */
export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/** The host name did not resolve (possibly for a while only). */
export class TargetUnresolvedError extends Error {
  override readonly name = 'TargetUnresolvedError';
}

/** Where to connect for a target: the address that was checked, never resolved again. */
export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Why an address is not a public unicast address, or null when it is. IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries; everything that is not
 * plain global unicast (loopback, RFC 1918, link-local, unique-local fc00::/7, CGNAT,
 * multicast, unspecified, NAT64, 6to4, Teredo, reserved) is refused.
 *
 * @example nonPublicRange('fe80::1') // 'linkLocal'
 */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** The URL's host as an IP literal without brackets, or null for a name. */
function ipLiteral(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : null;
}

/** The policy's objection to a target URL before any DNS lookup, or null. */
export function targetPolicyProblem(target: string, policy: TargetPolicy): string | null {
  const shape = targetUrlProblem(target);
  if (shape) return shape;
  const url = new URL(target);
  if (url.protocol === 'http:' && !policy.allowHttp) return 'must be an https:// URL (plain http:// is allowed only with PB_WEBHOOK_ALLOW_HTTP=1)';
  const literal = ipLiteral(url);
  if (literal && !policy.allowPrivate) {
    const range = nonPublicRange(literal);
    if (range) return `is a ${describeRange(range)} address, which is refused (PB_WEBHOOK_ALLOW_PRIVATE=1 allows it)`;
  }
  return null;
}

function describeRange(range: string): string {
  const words: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    uniqueLocal: 'private (unique local)',
    linkLocal: 'link-local',
    unspecified: 'unspecified',
    carrierGradeNat: 'carrier-grade NAT',
  };
  return words[range] ?? `non-public (${range})`;
}

/**
 * Checks a target and resolves its host once, returning the address to connect to.
 * A name that resolves to any non-public address is refused, so a DNS answer mixing
 * public and private addresses cannot be used to reach inside; connecting to the
 * returned address (not the name again) closes the DNS-rebinding window.
 *
 * @throws TargetRefusedError when the policy refuses it, TargetUnresolvedError when the name does not resolve.
 */
export async function resolveTarget(target: string, policy: TargetPolicy): Promise<ResolvedTarget> {
  const problem = targetPolicyProblem(target, policy);
  if (problem) throw new TargetRefusedError(`The target ${problem}.`);
  const url = new URL(target);
  const literal = ipLiteral(url);
  if (literal) return { url, address: literal, family: isIP(literal) === 6 ? 6 : 4 };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(url.hostname, { all: true, verbatim: true });
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    throw new TargetUnresolvedError(`The target's host ${url.hostname} did not resolve (${code}).`);
  }
  if (addresses.length === 0) throw new TargetUnresolvedError(`The target's host ${url.hostname} did not resolve.`);
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const range = nonPublicRange(address);
      if (range) throw new TargetRefusedError(`The target's host ${url.hostname} resolves to ${address}, a ${describeRange(range)} address, which is refused (PB_WEBHOOK_ALLOW_PRIVATE=1 allows it).`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
