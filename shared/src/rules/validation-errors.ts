import type { z } from 'zod';

/**
 * Turns zod issues into the SPEC's error details, with array items as `[3].opel`
 * and nested fields joined by dots.
 */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], basePath: (string | number)[] = []): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...basePath, ...issue.path, key]), message: 'is not a known field' }));
    }
    return [{ path: formatPath([...basePath, ...issue.path]), message: issue.message }];
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
