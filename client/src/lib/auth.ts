import { router } from './router.svelte';
import { session } from './session.svelte';
import { handleError } from './errors.svelte';

/**
 * The live connection was refused: ask the server whether the session still holds
 * and send the user to sign in if it does not (e.g. the key was revoked).
 */
export function recheckSession(): void {
  session
    .load()
    .then(() => {
      if (session.me === null) router.navigate('/signin', true);
    })
    .catch((error: unknown) => handleError(error, 'Could not check your sign-in'));
}
