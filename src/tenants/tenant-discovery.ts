/**
 * A tenant's id from one of its domains, before the tenant has consented to anything: Entra's OpenID discovery
 * document (`{authority}/{domain}/v2.0/.well-known/openid-configuration`, public, no token) names the tenant in its
 * `issuer`, `https://login.microsoftonline.com/{tenant id}/v2.0`
 * (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri).
 * `GET /organization` also says it, but only with a token of the tenant, so only once it has consented: an MSP
 * adding a new customer by its domain could not get the consent link for it. An unknown domain is Entra's 400
 * (AADSTS90002), said as such.
 *
 * node:https rather than fetch: a test authority (the Entra simulator) brings its own certificate (`ca`), as the
 * credential's `tlsOptions.ca` does for the token requests.
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { guidSchema } from '../guid';

export type TenantDiscovery = (domain: string) => Promise<string>;

export interface TenantDiscoveryOptions {
  /** The Entra authority (AZURE_AUTHORITY_HOST), `https://login.microsoftonline.com` by default. */
  authorityHost: string;
  /** A certificate to trust beside the system's (a test authority's). */
  ca?: string;
  timeoutMs?: number;
}

const DISCOVERY_TIMEOUT_MS = 5_000;
/** The most of a discovery document read (it is about 1.5 KB). */
const MAX_BODY_BYTES = 64 * 1024;

const discoverySchema = z.looseObject({ issuer: z.string().min(1) });
const entraErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });
const tenantIdSchema = guidSchema('is not a tenant id');

function getJson(url: URL, options: TenantDiscoveryOptions): Promise<{ status: number; body: unknown }> {
  const client = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        timeout: options.timeoutMs ?? DISCOVERY_TIMEOUT_MS,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) request.destroy(new Error(`the answer is over ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
          } catch {
            reject(new Error(`answered ${response.statusCode ?? '?'} with a body that is not JSON`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`no answer within ${options.timeoutMs ?? DISCOVERY_TIMEOUT_MS} ms`)),
    );
    request.on('error', reject);
  });
}

export function openIdTenantDiscovery(options: TenantDiscoveryOptions): TenantDiscovery {
  return async (domain) => {
    const url = new URL(
      `${options.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`,
    );
    const answer = await getJson(url, options);
    if (answer.status !== 200) {
      const error = entraErrorSchema.safeParse(answer.body);
      throw new Error(
        error.success
          ? `Entra does not know ${domain} (${answer.status} ${error.data.error}: ${(error.data.error_description ?? '').split(/\r?\n/)[0]})`
          : `Entra's discovery document for ${domain} answered ${answer.status}`,
      );
    }
    const document = discoverySchema.safeParse(answer.body);
    if (!document.success) throw new Error(`Entra's discovery document for ${domain} has no issuer`);
    // https://login.microsoftonline.com/{tenant id}/v2.0: the path's first segment.
    const segment = new URL(document.data.issuer).pathname.split('/').filter((part) => part !== '')[0] ?? '';
    const id = tenantIdSchema.safeParse(segment);
    if (!id.success)
      throw new Error(`Entra's issuer for ${domain} (${document.data.issuer}) names no tenant id`);
    return id.data.toLowerCase();
  };
}
