import * as oidc from 'openid-client';
import { claimValues } from '@pb/shared';
import { isLoopbackIssuer, type OidcConfig } from '@pb/shared/node';

/** What a sign-in under way keeps until the provider sends the person back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the provider said about the person who signed in. */
export interface SignedInClaims {
  /** ID token claims, with UserInfo's added when the ID token lacked what the board reads. */
  claims: Record<string, unknown>;
  /** Kept for signing out at the provider (`id_token_hint`). */
  idToken: string | undefined;
}

/** How long the board waits for the provider (discovery, token, UserInfo), in seconds. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Why a sign-in at the provider did not complete. */
export type OidcFailure = 'refused' | 'unverified' | 'unavailable';

/** Error codes of openid-client that mean the answer did not verify (not that the provider is away). */
const UNVERIFIED_CODES = new Set([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_PARSE_ERROR',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
]);

/**
 * Sorts a failure of openid-client: the provider refused the person (an `error` in the
 * authorization response, whose description is the reason), its answer did not verify
 * (state, nonce, signature, a refused code), or it could not be reached.
 */
export function classifyOidcError(error: unknown): { kind: OidcFailure; reason?: string } {
  if (error instanceof oidc.AuthorizationResponseError) return { kind: 'refused', reason: error.error_description ?? error.error };
  if (error instanceof oidc.ResponseBodyError) return { kind: 'unverified' };
  if (error instanceof oidc.ClientError && error.code !== undefined && UNVERIFIED_CODES.has(error.code)) return { kind: 'unverified' };
  return { kind: 'unavailable' };
}

/**
 * The board as an OpenID Connect relying party (openid-client): authorization code flow
 * with PKCE (S256), state and nonce. The provider's metadata is discovered on first use
 * and kept; a failed discovery is tried again on the next sign-in, so a board starts
 * (and keys work) while the provider is away.
 */
export class OidcClient {
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly settings: OidcConfig,
    /** `PB_PUBLIC_URL` + the callback path, registered at the provider. */
    readonly redirectUri: string,
    /** Where the provider sends the browser after signing out there. */
    readonly postLogoutRedirectUri: string,
  ) {}

  private configuration(): Promise<oidc.Configuration> {
    if (!this.#configuration) {
      const { issuer, clientId, clientSecret } = this.settings;
      const auth = clientSecret === undefined ? oidc.None() : oidc.ClientSecretPost(clientSecret);
      this.#configuration = oidc
        .discovery(new URL(issuer), clientId, clientSecret, auth, {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // Plain HTTP only for a provider on this machine (the configuration refuses others).
          ...(isLoopbackIssuer(issuer) && issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
        })
        .catch((error: unknown) => {
          this.#configuration = undefined;
          throw error;
        });
    }
    return this.#configuration;
  }

  /** A new sign-in's secrets: they stay on the server; only the state and the challenge travel. */
  static newSignIn(): PendingSignIn {
    return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  }

  /** Where to send the browser to sign in at the provider. */
  async authorizationUrl(pending: PendingSignIn): Promise<URL> {
    const configuration = await this.configuration();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Completes the sign-in the provider sent back (`query` is the callback's query
   * string): checks state, exchanges the code with the PKCE verifier, verifies the ID
   * token and its nonce. Asks UserInfo too when the ID token carries none of the mapped
   * claims or no name or email, as providers that keep ID tokens small do.
   */
  async complete(query: string, pending: PendingSignIn): Promise<SignedInClaims> {
    const configuration = await this.configuration();
    const currentUrl = new URL(this.redirectUri);
    currentUrl.search = query;
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw Object.assign(new oidc.ClientError('the provider sent no ID token'), { code: 'OAUTH_INVALID_RESPONSE' });
    let claims: Record<string, unknown> = { ...idClaims };
    const lacking = claimValues(claims, this.settings.roleClaims).length === 0 || (claims.name === undefined && claims.email === undefined);
    if (lacking && configuration.serverMetadata().userinfo_endpoint) {
      const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      // The ID token's own claims stand; UserInfo adds what it lacked.
      claims = { ...userInfo, ...claims };
    }
    return { claims, idToken: tokens.id_token };
  }

  /**
   * The provider's end-session URL (RP-initiated logout), back to the sign-in page
   * afterwards; null when the provider offers none.
   */
  async endSessionUrl(idToken: string | undefined): Promise<URL | null> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(configuration, {
      post_logout_redirect_uri: this.postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : {}),
    });
  }
}
