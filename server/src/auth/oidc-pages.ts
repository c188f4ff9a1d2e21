import type { Request, Response } from 'express';
import { SIGNED_OUT_PATH } from '@pb/shared';
import { ApiError } from '../http/api-error.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** Why single sign-on did not sign someone in, as the browser and the API are told. */
export class SignInRefused extends ApiError {
  constructor(
    status: number,
    code: string,
    /** The page's heading. */
    readonly title: string,
    message: string,
  ) {
    super(status, code, message);
  }
}

/**
 * A small page for a sign-in that went no further (the start and callback are browser
 * navigations, so a JSON body would be a dead end): what happened, and the way back to
 * the sign-in page. No script, so it stands under the strict CSP; styles follow the
 * device's light or dark setting.
 */
export function signInRefusedPage(refusal: SignInRefused): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${escapeHtml(refusal.title)} – Pressure Board</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; margin: 0; line-height: 1.5; color: #0b0c0c; background: #fff; }
header { background: #005eb8; color: #fff; padding: 0.75rem 1.5rem; font-weight: 700; font-size: 1.25rem; }
main { max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
.problem { border-left: 5px solid #d4351c; padding: 0.25rem 1rem; }
a { color: #005eb8; font-weight: 700; }
a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
@media (prefers-color-scheme: dark) { body { color: #f3f2f1; background: #0b0c0c; } a { color: #8bb8e8; } }
</style>
</head>
<body>
<header>Pressure Board</header>
<main id="main">
<h1>${escapeHtml(refusal.title)}</h1>
<div class="problem" data-testid="sign-in-refused" data-code="${escapeHtml(refusal.code)}"><p>${escapeHtml(refusal.message)}</p></div>
<p><a href="${SIGNED_OUT_PATH}">Back to sign in</a></p>
</main>
</body>
</html>
`;
}

/** Answers a refused sign-in: the page for a browser, the API's error body for anything asking for JSON. */
export function sendSignInRefused(req: Request, res: Response, refusal: SignInRefused): void {
  res.status(refusal.status).set('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: { code: refusal.code, message: refusal.message } });
    return;
  }
  res.type('html').send(signInRefusedPage(refusal));
}
