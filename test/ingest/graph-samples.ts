/**
 * Graph's real wire shapes from ../shared/graph-samples (CI clones the repository with ../shared beside it), read as
 * text so a test can post exactly what Graph sends, or parse and vary it.
 */
import fs from 'node:fs';
import path from 'node:path';

const samplesDir = path.resolve(__dirname, '../../../shared/graph-samples');

export function sampleText(name: string): string {
  return fs.readFileSync(path.join(samplesDir, name), 'utf8');
}

export interface SampleNotification {
  [key: string]: unknown;
  clientState?: string | null;
  tenantId?: string;
  resource?: string;
  resourceData?: Record<string, unknown>;
}

export function sampleJson(name: string): { value: SampleNotification[] } {
  return JSON.parse(sampleText(name)) as { value: SampleNotification[] };
}

/** The clientState every sample carries. */
export const SAMPLE_CLIENT_STATE = 'ra-watch-7Qk2vX9pLm';
export const SAMPLE_TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
export const SAMPLE_SUBSCRIPTION = '8b2e4c71-0f3a-4d9b-b6e5-2a7c91d0f34e';

/** One users notification like notification-users-updated.json, for another user id. */
export function userNotification(
  userId: string,
  overrides: Partial<SampleNotification> = {},
): SampleNotification {
  const base = sampleJson('notification-users-updated.json').value[0]!;
  return {
    ...base,
    resource: `Users/${userId}`,
    resourceData: { ...base.resourceData, '@odata.id': `Users/${userId}`, id: userId },
    ...overrides,
  };
}
