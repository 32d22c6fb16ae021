/**
 * Reads one `AssignedLicense` old/new value of a directory audit record.
 *
 * The value is a JSON-encoded array of strings, each a .NET ToString of a license:
 * `["[SkuName=MCOEV, AccountId=<tenant>, SkuId=<guid>, DisabledPlans=[]]"]`. Copies seen in the wild differ in
 * whitespace and line breaks (the unified audit log pretty-prints with `\r\n  `), sometimes arrive double-encoded,
 * and DisabledPlans holds plan GUIDs. So the outer layer is read as JSON when it is JSON, and the inner text always
 * with a regex, never as JSON. It is the FULL set of licenses before/after, not the delta (the caller diffs).
 */
import { GUID_PATTERN } from '../../guid';

/** One license as an audit value names it. */
export interface AuditLicense {
  skuId: string;
  /** The part number (`MCOEV`), when the record says it. */
  skuName: string | null;
  disabledPlans: string[];
}

export type AssignedLicenseValue = { ok: true; licenses: AuditLicense[] } | { ok: false; problem: string };

const skuIdPattern = new RegExp(`SkuId\\s*=\\s*(${GUID_PATTERN})`, 'i');
const skuNamePattern = /SkuName\s*=\s*([^,\]\s]+)/i;
const disabledPlansPattern = /DisabledPlans\s*=\s*\[([^\]]*)\]/i;
const guidGlobal = new RegExp(GUID_PATTERN, 'g');
/** One `[SkuName=..., ..., DisabledPlans=[...]]` entry: an outer bracket that may contain one nested `[...]`. */
const entryPattern = /\[(?:[^[\]]|\[[^\]]*\])*\]/g;

/** Parse one AssignedLicense value. null/empty means "no licenses" (a first assignment has no old value). */
export function parseAssignedLicenseValue(value: string | null | undefined): AssignedLicenseValue {
  if (value === null || value === undefined || value.trim() === '') return { ok: true, licenses: [] };
  const entries = entryTexts(value);
  if (entries === null)
    return { ok: false, problem: `AssignedLicense value is not a list of licenses: ${preview(value)}` };
  const licenses: AuditLicense[] = [];
  for (const entry of entries) {
    const license = parseLicenseText(entry);
    if (license === null)
      return { ok: false, problem: `AssignedLicense entry has no SkuId: ${preview(entry)}` };
    licenses.push(license);
  }
  return { ok: true, licenses };
}

/** The license texts inside the value: from JSON when it decodes to strings, else straight from the raw text. */
function entryTexts(value: string): string[] | null {
  const decoded = decodeJsonLayers(value);
  if (Array.isArray(decoded)) {
    if (decoded.every((item): item is string => typeof item === 'string')) return decoded;
    return null;
  }
  // Not JSON (or a JSON string holding non-JSON text): find the entries by shape. Strip an outer list bracket first.
  const text = typeof decoded === 'string' ? decoded : value;
  const trimmed = text.trim();
  const inner = /^\[\s*\[/.test(trimmed) ? trimmed.slice(1, trimmed.lastIndexOf(']')) : trimmed;
  if (/^\[\s*\]$/.test(trimmed)) return [];
  const found = inner.match(entryPattern);
  if (found === null) return null;
  return found.filter((e) => /SkuId|SkuName/i.test(e));
}

/** JSON.parse up to three times: values are JSON strings, sometimes JSON strings of JSON strings. */
function decodeJsonLayers(value: string): unknown {
  let current: unknown = value;
  for (let i = 0; i < 3 && typeof current === 'string'; i++) {
    try {
      current = JSON.parse(current) as unknown;
    } catch {
      return i === 0 ? undefined : current;
    }
  }
  return current;
}

function parseLicenseText(text: string): AuditLicense | null {
  const skuId = skuIdPattern.exec(text)?.[1];
  if (skuId === undefined) return null;
  const skuName = skuNamePattern.exec(text)?.[1] ?? null;
  const disabled = disabledPlansPattern.exec(text)?.[1] ?? '';
  return {
    skuId: skuId.toLowerCase(),
    skuName,
    disabledPlans: (disabled.match(guidGlobal) ?? []).map((g) => g.toLowerCase()),
  };
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 160 ? `${flat.slice(0, 160)}...` : flat;
}
