import { describe, expect, it } from 'vitest';
import { oidcRoleMapSchema, type OidcRoleMap } from '../sso.js';
import { accessFromClaims, claimValues, DEFAULT_ROLE_CLAIMS } from './sso-access.js';

/** An Entra ID tenant's groups (object ids) and app roles, and NHS CIS2 role codes. */
const map: OidcRoleMap = oidcRoleMapSchema.parse({
  'b1a8c2de-0000-4000-8000-000000000001': { role: 'director', regions: ['Y59'] },
  'b1a8c2de-0000-4000-8000-000000000002': { role: 'director', regions: ['Y56'] },
  'b1a8c2de-0000-4000-8000-000000000003': { role: 'trust', trusts: ['RHU'] },
  'b1a8c2de-0000-4000-8000-000000000004': { role: 'trust', trusts: ['RTH', 'RHU'] },
  'PressureBoard.Admin': { role: 'admin' },
  'PressureBoard.Director': { role: 'director' },
  'Control room': { role: 'display' },
  'S8000:G8000:R8008': { role: 'trust', trusts: ['RHM'] },
});

describe('the claim values single sign-on reads', () => {
  it('reads app roles then groups by default, single values and arrays, without repeats', () => {
    expect(claimValues({ roles: 'PressureBoard.Admin', groups: ['g1', 'g2', 'g1'], other: ['x'] }, DEFAULT_ROLE_CLAIMS)).toEqual(['PressureBoard.Admin', 'g1', 'g2']);
    expect(claimValues({ sub: 'a' }, DEFAULT_ROLE_CLAIMS)).toEqual([]);
  });

  it('walks a dotted path into objects and arrays (NHS CIS2 role profiles)', () => {
    const cis2 = {
      nhsid_nrbac_roles: [
        { person_roleid: '5555', org_code: 'RHM', role_code: 'S8000:G8000:R8008', workgroups_codes: [1001, 1002] },
        { person_roleid: '5556', org_code: 'RTH', role_code: 'S8000:G8001:R8001' },
      ],
    };
    expect(claimValues(cis2, ['nhsid_nrbac_roles.role_code'])).toEqual(['S8000:G8000:R8008', 'S8000:G8001:R8001']);
    expect(claimValues(cis2, ['nhsid_nrbac_roles.workgroups_codes'])).toEqual(['1001', '1002']);
    expect(claimValues(cis2, ['nhsid_nrbac_roles.missing', 'nhsid_nrbac_roles'])).toEqual([]);
  });

  it('takes a claim whose name has dots as it stands before reading it as a path', () => {
    expect(claimValues({ 'https://board.example/roles': ['PressureBoard.Admin'] }, ['https://board.example/roles'])).toEqual(['PressureBoard.Admin']);
  });

  it('ignores values that are not text or numbers, and never reads inherited properties', () => {
    expect(claimValues({ groups: [null, true, {}, '', 'ok', 7, Number.NaN] }, ['groups'])).toEqual(['ok', '7']);
    expect(claimValues({}, ['constructor', 'toString', '__proto__.polluted'])).toEqual([]);
  });
});

describe('what the claims grant', () => {
  it('grants nothing when no value is mapped', () => {
    expect(accessFromClaims([], map)).toBeNull();
    expect(accessFromClaims(['Finance', 'toString', 'constructor'], map)).toBeNull();
  });

  it('grants the one mapped entry, with its scope', () => {
    expect(accessFromClaims(['Finance', 'b1a8c2de-0000-4000-8000-000000000001'], map)).toEqual({ role: 'director', regions: ['Y59'], grantedBy: ['b1a8c2de-0000-4000-8000-000000000001'] });
    expect(accessFromClaims(['S8000:G8000:R8008'], map)).toEqual({ role: 'trust', trusts: ['RHM'], grantedBy: ['S8000:G8000:R8008'] });
  });

  it('lets the highest role win when several entries match', () => {
    expect(accessFromClaims(['Control room', 'b1a8c2de-0000-4000-8000-000000000003', 'b1a8c2de-0000-4000-8000-000000000001'], map)).toMatchObject({ role: 'director', regions: ['Y59'] });
    expect(accessFromClaims(['b1a8c2de-0000-4000-8000-000000000001', 'PressureBoard.Admin'], map)).toEqual({ role: 'admin', grantedBy: ['PressureBoard.Admin'] });
  });

  it('joins the trusts and the regions of the winning role’s entries', () => {
    expect(accessFromClaims(['b1a8c2de-0000-4000-8000-000000000003', 'b1a8c2de-0000-4000-8000-000000000004'], map)).toEqual({
      role: 'trust',
      trusts: ['RHU', 'RTH'],
      grantedBy: ['b1a8c2de-0000-4000-8000-000000000003', 'b1a8c2de-0000-4000-8000-000000000004'],
    });
    expect(accessFromClaims(['b1a8c2de-0000-4000-8000-000000000001', 'b1a8c2de-0000-4000-8000-000000000002'], map)).toMatchObject({ role: 'director', regions: ['Y59', 'Y56'] });
  });

  it('makes the role national when one of its entries has no regions', () => {
    expect(accessFromClaims(['b1a8c2de-0000-4000-8000-000000000001', 'PressureBoard.Director'], map)).toEqual({
      role: 'director',
      grantedBy: ['b1a8c2de-0000-4000-8000-000000000001', 'PressureBoard.Director'],
    });
  });
});

describe('the role map schema', () => {
  it('says what is wrong with an entry', () => {
    const result = oidcRoleMapSchema.safeParse({
      'Trust staff': { role: 'trust' },
      Directors: { role: 'director', trusts: ['RHU'] },
      Elsewhere: { role: 'director', regions: ['Y99'] },
      Typo: { role: 'directr' },
      Extra: { role: 'admin', label: 'x' },
    });
    expect(result.success).toBe(false);
    const problems = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Trust staff.trusts: a trust role needs at least one trust code',
        'Directors.trusts: only trust roles are scoped to trusts',
        expect.stringMatching(/^Elsewhere\.regions\.0: must be one of Y56/),
        expect.stringMatching(/^Typo\.role: /),
        expect.stringMatching(/^Extra: Unrecognized key/),
      ]),
    );
  });

  it('refuses a map that lets nobody in', () => {
    expect(oidcRoleMapSchema.safeParse({}).error?.issues[0]?.message).toMatch(/maps no claim value/);
  });
});
