/**
 * Entra ID's token endpoint for the simulator's tenants (issue 19), so the multi-tenant path runs with the real
 * `@azure/identity` client-credentials flow: point AZURE_AUTHORITY_HOST (the credential's `authorityHost`) here.
 * MSAL accepts only https authorities, so this listens with TLS (a certificate the caller brings; tests make a
 * throwaway one with openssl and trust it through the credential's `tlsOptions.ca`).
 *
 * Served (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration`, `{tenant}` a tenant id or its domain, the issuer naming
 *   the tenant id (how a domain is resolved to its id);
 * - `POST /{tenant}/oauth2/v2.0/token`, `grant_type=client_credentials`, with a client secret or a client assertion
 *   (certificate or federated credential: the assertion is accepted unchecked, a simplification), scope
 *   `<graph>/.default`. The token is the Graph simulator's bearer token for that tenant.
 * Refusals, in Entra's error shape (`error`, `error_description`, `error_codes`,
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes): unknown tenant AADSTS90002; app not
 * consented in the tenant (no service principal) AADSTS700016; wrong secret AADSTS7000215.
 * Instance discovery is not served: callers set `disableInstanceDiscovery` (there is no login.microsoftonline.com).
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { GraphSimulator } from './graph-simulator';

export interface EntraSimulatorOptions {
  graph: GraphSimulator;
  tls: { key: string; cert: string };
  /** The multi-tenant app registration(s): a client id and its secret (null: assertions only). */
  apps: Array<{
    clientId: string;
    clientSecret: string | null;
    /** Client assertions accepted (a federated credential's tokens); absent: any assertion. */
    assertions?: readonly string[];
  }>;
  host?: string;
}

export interface EntraTokenRequest {
  tenant: string;
  clientId: string | null;
  /** How the app proved itself. */
  credential: 'secret' | 'assertion' | 'none';
  status: number;
}

export interface EntraSimulator {
  /** The authority host: `https://127.0.0.1:{port}`. */
  url: string;
  /** Token requests answered, oldest first. */
  tokenRequests(): EntraTokenRequest[];
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
}

function entraError(status: number, error: string, code: number, description: string): Answer {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

export async function startEntraSimulator(options: EntraSimulatorOptions): Promise<EntraSimulator> {
  const requests: EntraTokenRequest[] = [];
  let url = '';

  /** A tenant id or domain → the seeded tenant's id. */
  const resolve = (segment: string): string | undefined => {
    const wanted = segment.toLowerCase();
    return options.graph.tenants().find((t) => t.tenantId === wanted || t.domain.toLowerCase() === wanted)
      ?.tenantId;
  };
  const notFound = (segment: string): Answer =>
    entraError(
      400,
      'invalid_request',
      90002,
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );

  const openIdConfiguration = (segment: string): Answer => {
    const tenantId = resolve(segment);
    if (tenantId === undefined) return notFound(segment);
    const root = `${url}/${tenantId}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${root}/oauth2/v2.0/token`,
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${root}/oauth2/v2.0/logout`,
        jwks_uri: `${url}/${tenantId}/discovery/v2.0/keys`,
        issuer: `${url}/${tenantId}/v2.0`,
        tenant_region_scope: 'EU',
        response_types_supported: ['code', 'id_token', 'token'],
      },
    };
  };

  const token = (segment: string, form: URLSearchParams): Answer => {
    const tenantId = resolve(segment);
    if (tenantId === undefined) return notFound(segment);
    if (form.get('grant_type') !== 'client_credentials')
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const clientId = form.get('client_id') ?? '';
    const app = options.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (app === undefined || !options.graph.consent.isGranted(tenantId)) {
      return entraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      );
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    const badAssertion =
      assertion !== null && app.assertions !== undefined && !app.assertions.includes(assertion);
    if (badAssertion)
      return entraError(
        401,
        'invalid_client',
        700213,
        'No matching federated identity record found for presented assertion subject.',
      );
    if (assertion === null && (secret === null || secret !== app.clientSecret)) {
      return entraError(
        401,
        'invalid_client',
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
          clientId +
          "'.",
      );
    }
    if (!(form.get('scope') ?? '').endsWith('/.default'))
      return entraError(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: options.graph.tokenFor(tenantId),
      },
    };
  };

  const server = https.createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://entra').pathname;
      const [, segment = '', ...rest] = path.split('/');
      const tail = rest.join('/');
      let answer: Answer;
      if (req.method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') {
        answer = openIdConfiguration(segment);
      } else if (req.method === 'POST' && tail === 'oauth2/v2.0/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        answer = token(segment, form);
        requests.push({
          tenant: segment,
          clientId: form.get('client_id'),
          credential: form.has('client_assertion')
            ? 'assertion'
            : form.has('client_secret')
              ? 'secret'
              : 'none',
          status: answer.status,
        });
      } else {
        answer = {
          status: 404,
          body: { error: 'not_found', error_description: `No ${req.method} ${path}.` },
        };
      }
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  url = `https://${address.address}:${address.port}`;
  return {
    url,
    tokenRequests: () => [...requests],
    stop: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
