/**
 * A module resolve hook (node:module `register`): resolves every import with the
 * "pressure-board-dist" export condition too, so `@pb/shared` is its compiled `dist/`,
 * as `node --conditions=pressure-board-dist` would.
 */
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'pressure-board-dist'] });
}
