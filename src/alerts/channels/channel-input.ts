/**
 * What an admin may ask for when adding a channel or a route (issue 19), one schema each for the API's bodies and
 * the CLI's flags, so both refuse the same input with the same words.
 */
import { z } from 'zod';
import { isStandardSecret } from '../standard-webhook-signature';
import { tenantIdSchema } from '../../guid';
import { TENANT_REF_HINT } from '../../tenants/tenant-ref';
import { secureUrl } from '../../config/variable-schemas';
import type { StoredChannel } from '../../store/store';
import type { ChannelSecretBox } from './channel-secrets';

export const CHANNEL_KINDS = ['slack', 'teams', 'email', 'webhook'] as const;
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

export const channelName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );

const signingSecret = z
  .string()
  .min(16, 'is shorter than 16 characters')
  .max(512, 'is longer than 512 characters')
  .refine(
    (v) => !v.startsWith('whsec_') || isStandardSecret(v),
    'starts with whsec_ but the rest is not base64 (whsec_ + base64 of random bytes)',
  );

export const channelInput = z
  .strictObject({
    name: channelName,
    kind: z.enum(CHANNEL_KINDS, 'must be slack, teams, email or webhook'),
    url: secureUrl('the channel webhook').optional(),
    secret: signingSecret.optional(),
    to: z
      .array(z.email('is not an e-mail address'))
      .min(1, 'needs at least one recipient')
      .max(50)
      .optional(),
    digests: z.boolean().optional(),
  })
  .superRefine((input, ctx) => {
    const needsUrl = input.kind !== 'email';
    if (needsUrl && input.url === undefined)
      ctx.addIssue({ code: 'custom', path: ['url'], message: `is required for a ${input.kind} channel` });
    if (!needsUrl && input.url !== undefined)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'is not used by an email channel (give "to")' });
    if (input.kind === 'email' && input.to === undefined)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is required for an email channel' });
    if (input.kind !== 'email' && input.to !== undefined)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is only for an email channel' });
    if (input.secret !== undefined && input.kind !== 'webhook')
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'is only for a webhook channel (its signing secret)',
      });
  });
export type ChannelInput = z.infer<typeof channelInput>;

export const routeInput = z.strictObject({
  // Ids, or the default domain the registry knows a tenant by (resolved by the service against the registry).
  tenantIds: z
    .array(tenantIdSchema(`is not ${TENANT_REF_HINT}`))
    .max(1000)
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))])
    .optional(),
  severities: z
    .array(z.enum(SEVERITIES, 'must be critical, warning or info'))
    .min(1, 'names no severity (omit it for critical and warning)')
    .transform((s) => [...new Set(s)])
    .optional(),
  channels: z
    .array(channelName)
    .min(1, 'names no channel')
    .max(20)
    .transform((c) => [...new Set(c)]),
  alsoDefault: z.boolean().optional(),
});
export type RouteInput = z.infer<typeof routeInput>;

/** The secret settings of a channel as sealed in the store; read back through this schema (a boundary too). */
export const channelSecrets = z.strictObject({
  url: z.string().optional(),
  secret: z.string().optional(),
});
export type ChannelSecrets = z.infer<typeof channelSecrets>;

/** The settings of a channel that are not secret, as stored; `signed`: a webhook channel's signing secret is set. */
export const channelSettings = z.object({
  to: z.array(z.string()).optional(),
  digests: z.boolean(),
  signed: z.boolean().optional(),
});
export type ChannelSettings = z.infer<typeof channelSettings>;

/** The sealed form of a channel's secrets, as stored (null when it has none). */
export function sealChannelSecrets(
  box: ChannelSecretBox,
  name: string,
  secrets: ChannelSecrets,
): string | null {
  return Object.keys(secrets).length === 0 ? null : box.seal(name, JSON.stringify(secrets));
}

/** A stored channel's secrets, opened and read back through their schema: the store is a boundary too. */
export function openChannelSecrets(
  box: ChannelSecretBox,
  channel: Pick<StoredChannel, 'name' | 'sealedSecrets'>,
): ChannelSecrets {
  if (channel.sealedSecrets === null) return {};
  return channelSecrets.parse(JSON.parse(box.open(channel.name, channel.sealedSecrets)));
}
