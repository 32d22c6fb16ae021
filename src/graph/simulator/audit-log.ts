/**
 * A tenant's directory audit log. Records become visible only `lagMs` after the activity, because the real log
 * arrives minutes late (DOMAIN.md §5): that delay is exactly why ra-watch decides a swap in a delayed follow-up.
 */
import type { AuditRecord } from './license-audit-records';

interface StoredRecord {
  record: AuditRecord;
  visibleAtMs: number;
}

export class AuditLog {
  private readonly records: StoredRecord[] = [];
  private nextSequence = 188_402_000;

  constructor(private readonly lagMs: () => number) {}

  /** Numbers for record ids; two per activity. */
  takeSequence(): number {
    const n = this.nextSequence;
    this.nextSequence += 2;
    return n;
  }

  add(records: AuditRecord[], atMs: number): void {
    const visibleAtMs = atMs + this.lagMs();
    for (const record of records) this.records.push({ record, visibleAtMs });
  }

  /** Visible records, newest first (Graph's default order for directoryAudits). */
  visible(nowMs = Date.now()): AuditRecord[] {
    return this.records
      .filter((r) => r.visibleAtMs <= nowMs)
      .map((r) => r.record)
      .sort(
        (a, b) => Date.parse(b.activityDateTime) - Date.parse(a.activityDateTime) || b.id.localeCompare(a.id),
      );
  }

  /** Every record, visible or not (tests and scenario reports). */
  all(): AuditRecord[] {
    return this.records.map((r) => r.record);
  }
}
