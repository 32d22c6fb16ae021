/**
 * The app registration's client id, for the admin-consent link: the configured credential's AZURE_CLIENT_ID, or, for
 * a static GRAPH_ACCESS_TOKEN that is an Entra access token (a JWT), its `appid` (v1 tokens) or `azp` (v2) claim.
 * The token is only decoded, never verified: the id goes into a link the admin opens, nothing is trusted from it.
 */
import { z } from 'zod';
import type { GraphCredentialConfig } from '../config';
import { isGuid } from '../guid';

const claimsSchema = z.object({ appid: z.string().optional(), azp: z.string().optional() });

export function clientIdOf(credential: GraphCredentialConfig): string | null {
  switch (credential.kind) {
    case 'client-secret':
    case 'client-certificate':
    case 'workload-identity':
    case 'managed-identity-federated':
      return credential.clientId;
    case 'managed-identity':
      return credential.clientId ?? null;
    case 'static-token':
      return clientIdOfToken(credential.token);
    case 'none':
      return null;
  }
}

function clientIdOfToken(token: string): string | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    const id = claims.success ? (claims.data.appid ?? claims.data.azp) : undefined;
    return id !== undefined && isGuid(id) ? id : null;
  } catch {
    return null;
  }
}
