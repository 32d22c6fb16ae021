/**
 * The pieces the variable tables (variables.ts, alert-variables.ts) are written with: what one variable's entry
 * holds, and the schemas several variables share.
 */
import { z } from 'zod';
import { isGuid } from '../guid';
import { isSecureOrLoopbackUrl } from '../http/loopback-host';

export interface VariableSpec {
  schema: z.ZodType;
  /** A right value, shown in the error message. */
  example: string;
  /** Used when the variable is unset or empty, and parsed with the schema like a given value. */
  default?: string;
  /** Never echo the value. */
  secret?: boolean;
}

/** The Azure Monitor exporter accepts only a lower-case instrumentation key. */
export const isLowerCaseGuid = (value: string): boolean => isGuid(value) && value === value.toLowerCase();

export const httpUrl = (what: string) =>
  z.string().refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), `is not an http(s) URL (${what})`);

/**
 * A URL that carries a secret (a sink's path is its credential; the sign-in host gets the client secret): https, or
 * plain http only to a loopback host (tests, a local receiver), where nothing leaves the machine.
 */
export const secureUrl = (what: string) =>
  httpUrl(what).refine(
    isSecureOrLoopbackUrl,
    `must be https:// (plain http only to a loopback host) (${what})`,
  );

/** A comma-separated value as its trimmed, non-empty items (API_ENTRA_AUDIENCE, ALERT_EMAIL_TO). */
export const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);
