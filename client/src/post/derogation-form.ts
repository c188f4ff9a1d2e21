import { derogationCreateSchema, type DerogationCreate } from '@pb/shared';
import type { FieldError } from './post-form';

/** The derogation request form's values, as the inputs hold them. */
export interface DerogationFormValues {
  site: string;
  service: string;
  staffRequested: string;
  reason: string;
}

export type DerogationField = keyof DerogationFormValues;

/** The limits of the shared schema, for the inputs' `maxlength` and hints. */
export const DEROGATION_LIMITS: Record<Exclude<DerogationField, 'site'>, number> = { service: 100, staffRequested: 200, reason: 500 };

export const DEROGATION_FIELD_LABELS: Record<DerogationField, string> = {
  site: 'Site',
  service: 'Service',
  staffRequested: 'Staff requested',
  reason: 'Reason',
};

export const EMPTY_DEROGATION_FORM: Readonly<DerogationFormValues> = Object.freeze({ site: '', service: '', staffRequested: '', reason: '' });

const REQUIRED: Record<DerogationField, string> = {
  site: 'Choose the site the request is for',
  service: 'Enter the service, for example A&E or ICU',
  staffRequested: 'Enter the staff you are asking for',
  reason: 'Enter the reason',
};

function isField(value: unknown): value is DerogationField {
  return typeof value === 'string' && value in DEROGATION_FIELD_LABELS;
}

/**
 * Checks the form with the shared `derogationCreateSchema` (the one the API uses) and
 * words each problem for the field it belongs to. A blank reason is left out. Pure.
 */
export function validateDerogationRequest(values: DerogationFormValues): { request: DerogationCreate | null; errors: FieldError[] } {
  const reason = values.reason.trim();
  const body = { site: values.site, service: values.service, staffRequested: values.staffRequested, ...(reason ? { reason } : {}) };
  const parsed = derogationCreateSchema.safeParse(body);
  if (parsed.success) return { request: parsed.data, errors: [] };
  const errors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (!isField(field)) {
      errors.push({ path: '', message: issue.message });
      continue;
    }
    if (errors.some((error) => error.path === field)) continue;
    let message: string;
    if (field === 'site') message = REQUIRED.site;
    else if (issue.code === 'too_big') message = `${DEROGATION_FIELD_LABELS[field]} must be ${DEROGATION_LIMITS[field]} characters or fewer`;
    else if (issue.code === 'too_small') message = REQUIRED[field];
    else message = `${DEROGATION_FIELD_LABELS[field]} ${issue.message}`;
    errors.push({ path: field, message });
  }
  return { request: null, errors };
}

/** The API's error details (`{path: 'service', message: 'is required'}`) as sentences for the form. */
export function derogationErrorsFromApi(details: readonly FieldError[], fallback: string): FieldError[] {
  if (details.length === 0) return [{ path: '', message: fallback }];
  return details.map((detail) => {
    const field = detail.path.split(/[.[]/)[0];
    return isField(field) ? { path: field, message: `${DEROGATION_FIELD_LABELS[field]} ${detail.message}` } : { path: '', message: detail.message };
  });
}
