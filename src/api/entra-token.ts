/**
 * Entra ID access tokens for `/api/*`: an automation (client credentials) or a user calls the API with a token Entra
 * ID issued for ra-watch's API app registration. Accepted only when it is signed with one of the tenant's published
 * keys (RS256; `none` and HMAC are refused before any key is looked up), issued by the configured tenant, meant for
 * this API (`aud`), not expired, an access token, and it carries the configured app role in `roles` (or the
 * read-only one, which require-api-token.ts lets read only).
 *
 * Both token versions are accepted, each with its own issuer and key set (Microsoft identity platform, "Access tokens":
 * an API registration gets v1.0 tokens unless its manifest sets `accessTokenAcceptedVersion: 2`; v1.0 tokens are
 * validated against the v1.0 metadata, whose issuer in the public cloud is `https://sts.windows.net/{tenant}/`). The
 * v1.0 issuer of national clouds is not derived from AZURE_AUTHORITY_HOST, so there only v2.0 tokens are accepted.
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { ApiEntraConfig } from '../config';

/** An issuer ra-watch trusts and where its signing keys are published. */
export interface TrustedIssuer {
  issuer: string;
  jwksUrl: string;
}

/** What a verified token says about its caller (for the log; never the token itself). */
export interface EntraCaller {
  /** The calling application: `azp` (v2.0) or `appid` (v1.0). */
  appId: string;
  /** The user or service principal object id, when present. */
  objectId: string | null;
}

export type EntraVerdict =
  /** `reader`: the token holds only the read-only role (API_ENTRA_READER_ROLE). */
  | { ok: true; caller: EntraCaller; access: 'admin' | 'reader' }
  /** Valid, but without the app role: 403 naming the caller. */
  | { ok: false; status: 403; reason: string; caller: EntraCaller }
  /** 401: not a valid token for this API. 503: the signing keys could not be read. */
  | { ok: false; status: 401 | 503; reason: string };

export interface EntraTokenVerifier {
  readonly role: string;
  readonly readerRole?: string | null;
  verify(token: string): Promise<EntraVerdict>;
}

export interface EntraVerifierOptions {
  /** Leeway for `exp`/`nbf` between Entra's clock and ours, in seconds (default 60). */
  clockToleranceSeconds?: number;
  /** How long an unreachable key endpoint is waited for, in ms (default 5000). */
  jwksTimeoutMs?: number;
  /** The least time between two fetches of the key set for unknown `kid`s, in ms (default 30 000). */
  jwksCooldownMs?: number;
}

const PUBLIC_CLOUD = 'https://login.microsoftonline.com';

/** The issuers (and key sets) whose tokens are accepted for this tenant on this cloud. */
export function trustedIssuers(config: Pick<ApiEntraConfig, 'authorityHost' | 'tenantId'>): TrustedIssuer[] {
  const authority = config.authorityHost.replace(/\/+$/, '');
  // Issuers carry the tenant id in lower case; the comparison below is exact.
  const tenant = config.tenantId.toLowerCase();
  const v2: TrustedIssuer = {
    issuer: `${authority}/${tenant}/v2.0`,
    jwksUrl: `${authority}/${tenant}/discovery/v2.0/keys`,
  };
  if (authority !== PUBLIC_CLOUD) return [v2];
  return [
    v2,
    { issuer: `https://sts.windows.net/${tenant}/`, jwksUrl: `${authority}/${tenant}/discovery/keys` },
  ];
}

/** Raised by the key lookup when the key set could not be read: the server's problem, not the caller's. */
class KeysUnavailable extends Error {
  constructor(
    readonly jwksUrl: string,
    cause: unknown,
  ) {
    super(
      `the signing keys at ${jwksUrl} could not be read (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'KeysUnavailable';
  }
}

/**
 * A jose key lookup that tells "no such key" (the caller's token: 401) from "the key set is unreachable or malformed"
 * (ours: 503). jose fetches the key set on first use, again after 10 minutes, and when a token names an unknown `kid`
 * (Entra rolled its keys) at most once per cooldown (30 seconds), so a stream of forged kids cannot hammer the endpoint.
 */
function keyLookup(trusted: TrustedIssuer, options: EntraVerifierOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(trusted.jwksUrl), {
    timeoutDuration: options.jwksTimeoutMs ?? 5000,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
        throw error;
      throw new KeysUnavailable(trusted.jwksUrl, error);
    }
  };
}

function stringClaim(payload: JWTPayload, name: string): string | null {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A caller-facing reason for a token jose refused; never the token, at most a claim name. */
function refusal(error: unknown): EntraVerdict {
  if (error instanceof KeysUnavailable) return { ok: false, status: 503, reason: error.message };
  if (error instanceof errors.JWTExpired) return { ok: false, status: 401, reason: 'the token has expired' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what = {
      aud: 'the token is not for this API (aud)',
      iss: 'the token is not from the configured tenant (iss)',
    }[error.claim];
    return {
      ok: false,
      status: 401,
      reason: what ?? `the token's "${error.claim}" claim is not acceptable (${error.reason})`,
    };
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return { ok: false, status: 401, reason: 'the token is not signed with RS256' };
  if (error instanceof errors.JWKSNoMatchingKey)
    return { ok: false, status: 401, reason: 'the token is signed with a key the tenant does not publish' };
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return { ok: false, status: 401, reason: 'the token signature is not valid' };
  return { ok: false, status: 401, reason: 'the token is malformed' };
}

export function createEntraTokenVerifier(
  config: ApiEntraConfig,
  options: EntraVerifierOptions = {},
  issuers: TrustedIssuer[] = trustedIssuers(config),
): EntraTokenVerifier {
  const clockTolerance = options.clockToleranceSeconds ?? 60;
  const lookups = new Map(issuers.map((trusted) => [trusted.issuer, keyLookup(trusted, options)]));

  async function verify(token: string): Promise<EntraVerdict> {
    // The unverified issuer only picks which key set to check against; jwtVerify then requires it exactly. A token
    // from anywhere else is refused here, without fetching anything on its behalf.
    let claimedIssuer: unknown;
    try {
      claimedIssuer = decodeJwt(token).iss;
    } catch {
      return { ok: false, status: 401, reason: 'the token is not a JWT' };
    }
    const lookup = typeof claimedIssuer === 'string' ? lookups.get(claimedIssuer) : undefined;
    if (lookup === undefined || typeof claimedIssuer !== 'string') {
      return { ok: false, status: 401, reason: 'the token is not from the configured tenant (iss)' };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, lookup, {
        issuer: claimedIssuer,
        audience: config.audiences,
        algorithms: ['RS256'],
        clockTolerance,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return refusal(error);
    }
    // An ID token for the same app registration has the same issuer and audience and may carry roles; only access
    // tokens name the calling application (azp in v2.0, appid in v1.0).
    const appId = stringClaim(payload, 'azp') ?? stringClaim(payload, 'appid');
    if (appId === null)
      return { ok: false, status: 401, reason: 'the token is not an access token (no azp or appid)' };
    const caller: EntraCaller = { appId, objectId: stringClaim(payload, 'oid') };
    const roles: unknown[] = Array.isArray(payload.roles) ? payload.roles : [];
    if (roles.includes(config.role)) return { ok: true, caller, access: 'admin' };
    const reader = config.readerRole ?? null;
    if (reader !== null && roles.includes(reader)) return { ok: true, caller, access: 'reader' };
    return {
      ok: false,
      status: 403,
      reason: `the token does not hold the app role "${config.role}"${reader === null ? '' : ` or "${reader}"`}`,
      caller,
    };
  }

  return { role: config.role, readerRole: config.readerRole ?? null, verify };
}
