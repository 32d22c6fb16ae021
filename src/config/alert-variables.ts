/**
 * The alert channels configured by environment: Slack, Teams, a generic signed webhook and e-mail. Together they are
 * the default route (every alert goes to each configured one). Part of the one variable table (variables.ts spreads
 * it in), kept apart only to keep that file readable.
 */
import { z } from 'zod';
import { isStandardSecret } from '../alerts/standard-webhook-signature';
import { parseSecretsKey } from '../alerts/channels/channel-secrets';
import { commaList, secureUrl, type VariableSpec } from './variable-schemas';

export const alertVariables = {
  SLACK_WEBHOOK_URL: {
    schema: secureUrl('a Slack incoming webhook'),
    example: 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/XXXX',
    secret: true,
  },
  TEAMS_WEBHOOK_URL: {
    schema: secureUrl('a Teams Workflows or incoming-webhook URL'),
    example: 'TEAMS_WEBHOOK_URL=https://prod-00.westus.logic.azure.com:443/workflows/...',
    secret: true,
  },
  ALERT_WEBHOOK_URL: {
    schema: secureUrl('your ticketing or PSA webhook'),
    example: 'ALERT_WEBHOOK_URL=https://psa.contoso.com/hooks/ra-watch',
    secret: true,
  },
  // Signs each generic-webhook request (Standard Webhooks headers, and X-RA-Watch-Signature: sha256=<hex> of the
  // body) so the receiver can tell it is us and refuse replays. `whsec_<base64>` (the convention's form) or any
  // string of 16+ characters, used as written.
  ALERT_WEBHOOK_SECRET: {
    schema: z
      .string()
      .min(16, 'is shorter than 16 characters')
      .refine(
        (v) => !v.startsWith('whsec_') || isStandardSecret(v),
        'starts with whsec_ but the rest is not base64 (whsec_ + base64 of random bytes)',
      ),
    example: 'ALERT_WEBHOOK_SECRET=whsec_<base64 of 32 random bytes, e.g. from `openssl rand -base64 32`>',
    secret: true,
  },
  // The generic webhook gets one event per alert; `true` also sends it burst summaries and the daily digest.
  ALERT_WEBHOOK_DIGESTS: {
    schema: z.enum(['true', 'false'], 'is not true or false').transform((v) => v === 'true'),
    example: 'ALERT_WEBHOOK_DIGESTS=false',
    default: 'false',
  },
  SMTP_URL: {
    schema: z
      .string()
      .refine((v) => /^smtps?:\/\/.+/.test(v) && URL.canParse(v), 'is not an smtp:// or smtps:// URL'),
    example: 'SMTP_URL=smtps://user:password@smtp.contoso.com:465',
    secret: true,
  },
  ALERT_EMAIL_FROM: {
    schema: z.email('is not an e-mail address'),
    example: 'ALERT_EMAIL_FROM=ra-watch@contoso.com',
  },
  ALERT_EMAIL_TO: {
    schema: commaList.refine(
      (list) => list.length > 0 && list.every((a) => z.email().safeParse(a).success),
      'is not a comma-separated list of e-mail addresses',
    ),
    example: 'ALERT_EMAIL_TO=teams-admins@contoso.com,noc@contoso.com',
  },
  // Named channels stored in the database (issue 19: `ra-watch channels`, /api/channels) keep their webhook URLs and
  // signing secrets sealed with this key (AES-256-GCM). Several keys, comma-separated, while rotating: the first
  // seals, all open, and ra-watch re-seals with the first at start.
  CHANNEL_SECRETS_KEY: {
    schema: commaList
      .refine((keys) => keys.length > 0, 'is empty')
      .refine(
        (keys) => keys.every((k) => parseSecretsKey(k) !== null),
        'is not 32 bytes in base64 or hex (each key, when several are comma-separated)',
      )
      .transform((keys) => keys.map((k) => parseSecretsKey(k)!)),
    example: 'CHANNEL_SECRETS_KEY=<32 random bytes in base64, e.g. from `openssl rand -base64 32`>',
    secret: true,
  },
} satisfies Record<string, VariableSpec>;
