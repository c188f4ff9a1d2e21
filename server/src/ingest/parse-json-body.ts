import { MAX_JSON_DEPTH } from '@pb/shared';
import { badRequest } from '../http/api-error.js';

/** Parses a JSON body, refusing documents nested deeper than SPEC §10 allows. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw badRequest('The body is empty; send a JSON update or an array of updates.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}`);
  }
  if (depthOf(value) > MAX_JSON_DEPTH) throw badRequest(`The JSON is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  return value;
}

function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    max = Math.max(max, depth);
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return max;
}
