/**
 * Rebuilds directory audit records that Entra split into "sequence" parts.
 *
 * When a record's modifiedProperties blob is large (E3/E5 bundles), Entra logs several records instead, each without
 * modifiedProperties and carrying sequence metadata: `id` (shared by the parts), `seq` (part number), `c` (part
 * count) and `b` (a fragment of the escaped JSON payload). Where the keys sit in a Graph v1.0 record is UNCONFIRMED
 * (graph-samples README §7): `additionalDetails[{key,value}]` is the likely place, `extendedProperties` the unified
 * audit log's name, so both are read. The joined payload is read as JSON and searched for the AssignedLicense
 * property, whatever it is wrapped in, because its exact envelope is unconfirmed too.
 */
import type { DirectoryAudit } from '../wire-schemas';
import type { AuditParseProblem } from './audit-parse-problem';

interface SequencePart {
  record: DirectoryAudit;
  sequenceId: string;
  seq: number;
  count: number;
  fragment: string;
}

/** A property as found in a joined payload (either casing). */
interface RebuiltProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface SequenceJoin {
  /** Ordinary records, plus one rebuilt record per complete sequence (its modifiedProperties restored). */
  records: DirectoryAudit[];
  /** For a rebuilt record: the ids of all its parts (evidence). */
  partIds: Map<string, string[]>;
  problems: AuditParseProblem[];
}

export function joinSequenceRecords(records: readonly DirectoryAudit[]): SequenceJoin {
  const plain: DirectoryAudit[] = [];
  const bySequence = new Map<string, SequencePart[]>();
  for (const record of records) {
    const part = sequencePartOf(record);
    if (part === null) {
      plain.push(record);
      continue;
    }
    const parts = bySequence.get(part.sequenceId) ?? [];
    // The same part can be listed twice when polls overlap: keep one per part number.
    if (!parts.some((p) => p.seq === part.seq)) parts.push(part);
    bySequence.set(part.sequenceId, parts);
  }

  const partIds = new Map<string, string[]>();
  const problems: AuditParseProblem[] = [];
  for (const [sequenceId, parts] of bySequence) {
    parts.sort((a, b) => a.seq - b.seq);
    const first = parts[0];
    if (first === undefined) continue;
    const ids = parts.map((p) => p.record.id);
    const correlationId = first.record.correlationId ?? sequenceId;
    const expected = Math.max(...parts.map((p) => p.count));
    if (parts.length < expected) {
      problems.push({
        correlationId,
        recordIds: ids,
        kind: 'sequence-incomplete',
        message: `split audit record ${sequenceId}: ${parts.length} of ${expected} parts present (the rest may still arrive)`,
      });
      continue;
    }
    const joined = parts.map((p) => p.fragment).join('');
    const properties = rebuildProperties(joined);
    if (properties === null) {
      problems.push({
        correlationId,
        recordIds: ids,
        kind: 'sequence-unparseable',
        message: `split audit record ${sequenceId}: the ${parts.length} joined parts hold no readable modifiedProperties`,
      });
      continue;
    }
    const target = first.record.targetResources[0] ?? { id: null, type: 'User' };
    plain.push({
      ...first.record,
      targetResources: [
        { ...target, modifiedProperties: properties.map((p) => ({ ...p })) },
        ...first.record.targetResources.slice(1),
      ],
    });
    partIds.set(first.record.id, ids);
  }
  return { records: plain, partIds, problems };
}

function sequencePartOf(record: DirectoryAudit): SequencePart | null {
  const details = new Map<string, string>();
  for (const detail of record.additionalDetails ?? []) {
    if (typeof detail.key === 'string' && typeof detail.value === 'string')
      details.set(detail.key, detail.value);
  }
  const extended: unknown = record['extendedProperties'];
  if (Array.isArray(extended)) {
    for (const item of extended as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const entry = item as Record<string, unknown>;
      const key = entry['key'] ?? entry['name'] ?? entry['Name'];
      const value = entry['value'] ?? entry['Value'];
      if (typeof key === 'string' && typeof value === 'string') details.set(key, value);
    }
  }
  const seq = Number(details.get('seq'));
  const count = Number(details.get('c'));
  const fragment = details.get('b');
  if (fragment === undefined || !Number.isInteger(seq) || !Number.isInteger(count) || count < 1) return null;
  const sequenceId = details.get('id') ?? record.correlationId ?? record.id;
  return { record, sequenceId, seq, count, fragment };
}

/** Find AssignedLicense-like properties anywhere in the joined JSON payload. */
function rebuildProperties(joined: string): RebuiltProperty[] | null {
  let payload: unknown;
  try {
    payload = JSON.parse(joined) as unknown;
    if (typeof payload === 'string') payload = JSON.parse(payload) as unknown; // escaped once more
  } catch {
    return null;
  }
  const found: RebuiltProperty[] = [];
  collectProperties(payload, found, 0);
  return found.length > 0 ? found : null;
}

function collectProperties(node: unknown, found: RebuiltProperty[], depth: number): void {
  if (depth > 8 || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node as unknown[]) collectProperties(item, found, depth + 1);
    return;
  }
  const entry = node as Record<string, unknown>;
  const name = entry['displayName'] ?? entry['Name'] ?? entry['name'];
  const oldValue = entry['oldValue'] ?? entry['OldValue'];
  const newValue = entry['newValue'] ?? entry['NewValue'];
  if (typeof name === 'string' && (oldValue !== undefined || newValue !== undefined)) {
    found.push({ displayName: name, oldValue: asText(oldValue), newValue: asText(newValue) });
    return;
  }
  for (const value of Object.values(entry)) collectProperties(value, found, depth + 1);
}

/** A property value as the audit log gives it: a JSON-encoded string (re-encode when the payload held raw JSON). */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
