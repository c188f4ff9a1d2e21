import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const ENTRA = 'https://login.microsoftonline.com/0b5c1a8e-0000-4000-8000-000000000000/v2.0';
const base = {
  PB_PUBLIC_URL: 'https://board.example.nhs.uk',
  PB_OIDC_ISSUER: ENTRA,
  PB_OIDC_CLIENT_ID: 'pressure-board',
};

describe('single sign-on configuration', () => {
  it('is off without PB_OIDC_ISSUER', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
  });

  it('reads the provider, the client, the claims and the role map', () => {
    const config = loadConfig({ ...base, PB_OIDC_CLIENT_SECRET: 's3cret', PB_OIDC_ROLE_MAP: '{"PressureBoard.Director": {"role": "director", "regions": ["Y59"]}}' });
    expect(config.oidc).toEqual({
      issuer: ENTRA,
      clientId: 'pressure-board',
      clientSecret: 's3cret',
      scopes: ['openid', 'profile', 'email'],
      roleClaims: ['roles', 'groups'],
      roleMap: { 'PressureBoard.Director': { role: 'director', regions: ['Y59'] } },
    });
    const cis2 = loadConfig({ ...base, PB_OIDC_SCOPES: 'openid profile nationalrbacaccess', PB_OIDC_ROLE_CLAIMS: 'nhsid_nrbac_roles.role_code, groups', PB_OIDC_ROLE_MAP: '{"S8000:G8000:R8001": {"role": "trust", "trusts": ["RHU"]}}' });
    expect(cis2.oidc).toMatchObject({ clientSecret: undefined, scopes: ['openid', 'profile', 'nationalrbacaccess'], roleClaims: ['nhsid_nrbac_roles.role_code', 'groups'] });
  });

  it('reads the role map from a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pb-oidc-')), 'roles.json');
    writeFileSync(file, JSON.stringify({ 'Control room': { role: 'display' } }));
    expect(loadConfig({ ...base, PB_OIDC_ROLE_MAP_FILE: file }).oidc?.roleMap).toEqual({ 'Control room': { role: 'display' } });
  });

  it('says what is wrong with each setting at start-up', () => {
    const attempt = (env: Record<string, string>) => () => loadConfig(env);
    expect(attempt({ PB_OIDC_ISSUER: 'http://login.example.org/', PB_OIDC_ROLE_MAP: '{}' })).toThrow(ConfigError);
    expect(attempt({ PB_OIDC_ISSUER: 'http://login.example.org/' })).toThrow(/PB_OIDC_ISSUER: must be an https:\/\/ URL/);
    expect(attempt({ PB_OIDC_ISSUER: ENTRA })).toThrow(/PB_OIDC_CLIENT_ID: is required[\s\S]*PB_PUBLIC_URL: is required[\s\S]*PB_OIDC_ROLE_MAP: is required/);
    expect(attempt({ PB_OIDC_CLIENT_ID: 'x', PB_OIDC_ROLE_MAP: '{}' })).toThrow(/PB_OIDC_ISSUER: is required when PB_OIDC_CLIENT_ID, PB_OIDC_ROLE_MAP are set/);
    expect(attempt({ ...base, PB_OIDC_ROLE_MAP: '{"a": ' })).toThrow(/PB_OIDC_ROLE_MAP: is not JSON/);
    expect(attempt({ ...base, PB_OIDC_ROLE_MAP: '{}' })).toThrow(/PB_OIDC_ROLE_MAP: maps no claim value/);
    expect(attempt({ ...base, PB_OIDC_ROLE_MAP: '{"Trust staff": {"role": "trust"}}' })).toThrow(/PB_OIDC_ROLE_MAP: Trust staff\.trusts: a trust role needs at least one trust code/);
    expect(attempt({ ...base, PB_OIDC_ROLE_MAP_FILE: '/nonexistent/roles.json' })).toThrow(/PB_OIDC_ROLE_MAP_FILE: cannot be read/);
    expect(attempt({ ...base, PB_OIDC_ROLE_MAP: '{"a": {"role": "admin"}}', PB_OIDC_ROLE_MAP_FILE: '/x.json' })).toThrow(/not both/);
    expect(attempt({ ...base, PB_OIDC_ROLE_MAP: '{"a": {"role": "admin"}}', PB_OIDC_SCOPES: 'profile email' })).toThrow(/PB_OIDC_SCOPES: must include openid/);
    // Other settings' problems are said together with these.
    expect(attempt({ PORT: 'abc', PB_OIDC_ISSUER: ENTRA })).toThrow(/PORT: must be a port number[\s\S]*PB_OIDC_CLIENT_ID: is required/);
  });

  it('allows plain http only for a provider on this machine', () => {
    const config = loadConfig({ ...base, PB_OIDC_ISSUER: 'http://127.0.0.1:4000', PB_OIDC_ROLE_MAP: '{"a": {"role": "admin"}}' });
    expect(config.oidc?.issuer).toBe('http://127.0.0.1:4000');
  });
});
