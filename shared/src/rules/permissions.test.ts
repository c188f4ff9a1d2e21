import { describe, expect, it } from 'vitest';
import { mayAcknowledge, mayAcknowledgeAlert, mayPost, mayPostFor } from './permissions.js';

const trust = { role: 'trust', trusts: ['RHU'] } as const;
const director = { role: 'director' } as const;
const londonDirector = { role: 'director', regions: ['Y56'] } as const;
const admin = { role: 'admin' } as const;
const display = { role: 'display' } as const;

describe('who may post', () => {
  it('lets trust keys post for their own trusts only, and admins for any site', () => {
    expect(mayPostFor({ ...trust, trusts: [...trust.trusts] }, { trust: 'RHU' })).toBe(true);
    expect(mayPostFor({ ...trust, trusts: [...trust.trusts] }, { trust: 'RTH' })).toBe(false);
    expect(mayPostFor({ role: 'trust' }, { trust: 'RHU' })).toBe(false);
    expect(mayPostFor(admin, { trust: 'RTH' })).toBe(true);
  });

  it('never lets directors, displays or nobody post', () => {
    for (const caller of [director, display, null, undefined]) {
      expect(mayPost(caller)).toBe(false);
      expect(mayPostFor(caller, { trust: 'RHU' })).toBe(false);
    }
    expect(mayPost({ role: 'trust', trusts: ['RHU'] })).toBe(true);
    expect(mayPost(admin)).toBe(true);
  });
});

describe('who may acknowledge', () => {
  it('lets directors and admins acknowledge, not trusts or displays', () => {
    expect(mayAcknowledge(director)).toBe(true);
    expect(mayAcknowledge(admin)).toBe(true);
    expect(mayAcknowledge({ role: 'trust', trusts: ['RHU'] })).toBe(false);
    expect(mayAcknowledge(display)).toBe(false);
    expect(mayAcknowledge(null)).toBe(false);
  });

  it('keeps a region-scoped director to its regions', () => {
    const scoped = { ...londonDirector, regions: [...londonDirector.regions] };
    expect(mayAcknowledgeAlert(scoped, { region: 'Y56' })).toBe(true);
    expect(mayAcknowledgeAlert(scoped, { region: 'Y59' })).toBe(false);
    expect(mayAcknowledgeAlert(director, { region: 'Y59' })).toBe(true);
    expect(mayAcknowledgeAlert(admin, { region: 'Y59' })).toBe(true);
    expect(mayAcknowledgeAlert(display, { region: 'Y56' })).toBe(false);
  });
});
