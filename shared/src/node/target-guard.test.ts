import { describe, expect, it } from 'vitest';
import { nonPublicRange, resolveTarget, targetPolicyProblem, TargetRefusedError } from './target-guard.js';

const strict = { allowPrivate: false, allowHttp: false };

describe('nonPublicRange', () => {
  it('refuses loopback, private, link-local and their IPv6 and IPv4-mapped forms', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1']) {
      expect(nonPublicRange(address), address).not.toBeNull();
    }
  });

  it('allows public unicast addresses', () => {
    for (const address of ['8.8.8.8', '151.101.1.69', '2a00:1450:4009:80b::200e', '::ffff:8.8.8.8']) expect(nonPublicRange(address), address).toBeNull();
  });
});

describe('targetPolicyProblem', () => {
  it('wants https unless plain http is allowed', () => {
    expect(targetPolicyProblem('http://example.org/hook', strict)).toMatch(/https/);
    expect(targetPolicyProblem('http://example.org/hook', { allowPrivate: false, allowHttp: true })).toBeNull();
  });

  it('refuses private address literals unless allowed', () => {
    expect(targetPolicyProblem('https://[::1]:8443/hook', strict)).toMatch(/loopback/);
    expect(targetPolicyProblem('https://[::ffff:192.168.0.1]/hook', strict)).toMatch(/private/);
    expect(targetPolicyProblem('https://169.254.169.254/latest', strict)).toMatch(/link-local/);
    expect(targetPolicyProblem('https://127.0.0.1/hook', { allowPrivate: true, allowHttp: false })).toBeNull();
  });
});

describe('resolveTarget', () => {
  it('refuses a name that resolves to loopback, and pins the address it checked', async () => {
    await expect(resolveTarget('https://localhost:9/hook', strict)).rejects.toBeInstanceOf(TargetRefusedError);
    await expect(resolveTarget('https://localhost:9/hook', strict)).rejects.toThrow(/resolves to .*loopback/);
    const allowed = await resolveTarget('https://localhost:9/hook', { allowPrivate: true, allowHttp: false });
    expect(['127.0.0.1', '::1']).toContain(allowed.address);
  });
});
