import { describe, expect, it } from 'vitest';
import { derogationErrorsFromApi, validateDerogationRequest } from './derogation-form';

const valid = { site: 'RHU03', service: ' A&E ', staffRequested: '4 registered nurses', reason: '' };

describe('validateDerogationRequest', () => {
  it('builds the request the API takes, trimmed, leaving a blank reason out', () => {
    expect(validateDerogationRequest(valid)).toEqual({ request: { site: 'RHU03', service: 'A&E', staffRequested: '4 registered nurses' }, errors: [] });
    expect(validateDerogationRequest({ ...valid, reason: ' Strike 08:00–20:00 ' }).request?.reason).toBe('Strike 08:00–20:00');
  });

  it('says what is missing, next to each field', () => {
    const { request, errors } = validateDerogationRequest({ site: '', service: '  ', staffRequested: '', reason: '' });
    expect(request).toBeNull();
    expect(errors).toEqual([
      { path: 'site', message: 'Choose the site the request is for' },
      { path: 'service', message: 'Enter the service, for example A&E or ICU' },
      { path: 'staffRequested', message: 'Enter the staff you are asking for' },
    ]);
  });

  it('enforces the schema lengths', () => {
    const { errors } = validateDerogationRequest({ ...valid, service: 'x'.repeat(101), reason: 'y'.repeat(501) });
    expect(errors).toEqual([
      { path: 'service', message: 'Service must be 100 characters or fewer' },
      { path: 'reason', message: 'Reason must be 500 characters or fewer' },
    ]);
  });
});

describe('derogationErrorsFromApi', () => {
  it('turns the API details into sentences, or falls back to its message', () => {
    expect(derogationErrorsFromApi([{ path: 'service', message: 'is required' }], 'Bad')).toEqual([{ path: 'service', message: 'Service is required' }]);
    expect(derogationErrorsFromApi([], 'This key may not request derogations for RHU03.')).toEqual([{ path: '', message: 'This key may not request derogations for RHU03.' }]);
  });
});
