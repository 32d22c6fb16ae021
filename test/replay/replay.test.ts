import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createNdjsonWriter } from '../../src/replay/export';
import { silentLogger } from '../../src/logger';
import { previewReplay, replay, type ReplayDeps } from '../../src/replay/replay';
import { ReplayInputError } from '../../src/replay/replay-input-error';
import { listReplayRecords } from '../../src/replay/replay-record';
import type { ReplayItem } from '../../src/replay/replay-report';
import { createStore } from '../../src/store/sql-store';
import type { EventQuery, Store } from '../../src/store/store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_ID } from '../fixtures/licensing';
import {
  HELPDESK,
  LOBBY,
  MAIN_LINE,
  MAIN_LINE_UPN,
  NOW,
  RECEPTION,
  catalog,
  routing,
  seedScenarios,
} from './replay-scenarios';

describe.each(ENGINES)('replay on %s', (engine) => {
  let testDb: TestDatabase;
  let store: Store;
  const deps = (): ReplayDeps => ({
    store,
    catalogFor: () => catalog,
    logger: silentLogger(),
    now: () => NOW,
    defaultTenantId: TENANT_ID,
  });
  const dryRun = { routing, by: 'tester' };

  async function countRows(table: 'alert_outbox' | 'alerts' | 'events'): Promise<number> {
    const row = await testDb.database.db
      .selectFrom(table)
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  beforeEach(async () => {
    testDb = await createTestDatabase(engine);
    store = createStore(testDb.database);
    await seedScenarios(store);
  });
  afterEach(async () => {
    await testDb.drop();
  });

  it('counts the events first, reports same / new / gone, and sends nothing on a dry run', async () => {
    const outboxBefore = await countRows('alert_outbox');
    const alertsBefore = await countRows('alerts');
    const items: ReplayItem[] = [];
    const report = await replay(
      deps(),
      { from: '2026-11-24', to: '2026-11-27' },
      { ...dryRun, onItem: (item) => void items.push(item) },
    );

    expect(report).toMatchObject({ mode: 'dry-run', by: 'tester', covered: 6, replayed: 6, notice: null });
    expect(report.outcomes).toEqual({ same: 4, new: 2, gone: 1 });
    expect(report.byRule).toEqual({
      'ra.unlicensed': { same: 2, new: 1, gone: 0 },
      'ra.standard-on-ra': { same: 1, new: 1, gone: 0 },
      'ra.non-atomic-swap': { same: 1, new: 0, gone: 0 },
      'ra.license-on-user': { same: 0, new: 0, gone: 1 },
    });
    const line = (i: ReplayItem) => `${i.outcome} ${i.ruleId} ${i.userId}`;
    expect(items.map(line).sort()).toEqual(
      [
        `same ra.unlicensed ${RECEPTION}`,
        `new ra.unlicensed ${HELPDESK}`,
        `new ra.standard-on-ra ${HELPDESK}`,
        `same ra.unlicensed ${MAIN_LINE}`,
        `same ra.standard-on-ra ${MAIN_LINE}`,
        `same ra.non-atomic-swap ${MAIN_LINE}`,
        `gone ra.license-on-user ${LOBBY}`,
      ].sort(),
    );
    expect(report.items).toEqual(items);
    expect(items.every((i) => i.delivery === null)).toBe(true);
    expect(await countRows('alert_outbox')).toBe(outboxBefore);
    expect(await countRows('alerts')).toBe(alertsBefore);
  });

  it('delivers the would-have-fired alerts once, marked replayed, however often the range is replayed', async () => {
    const outboxBefore = await countRows('alert_outbox');
    const first = await replay(deps(), { from: '2026-11-24' }, { ...dryRun, deliver: true });
    expect(first.delivery).toEqual({ delivered: 2, alreadyDelivered: 0, alreadyAlerted: 0 });
    expect(await countRows('alert_outbox')).toBe(outboxBefore + 2);

    const helpdeskAlerts = await store.alerts.list({ tenantId: TENANT_ID, userId: HELPDESK });
    expect(helpdeskAlerts.map((a) => [a.ruleId, a.state, a.replayed]).sort()).toEqual([
      ['ra.standard-on-ra', 'open', true],
      ['ra.unlicensed', 'open', true],
    ]);
    expect(helpdeskAlerts[0]!.finding.evidence.replay).toMatchObject({ replayId: first.replayId });

    const second = await replay(deps(), { from: '2026-11-24' }, { ...dryRun, deliver: true });
    expect(second.delivery).toEqual({ delivered: 0, alreadyDelivered: 2, alreadyAlerted: 0 });
    // Still `new`: a replay's own alerts are not "the alerts of the time".
    expect(second.outcomes).toEqual(first.outcomes);
    expect(await countRows('alert_outbox')).toBe(outboxBefore + 2);
  });

  it('never resolves anything while delivering', async () => {
    const openBefore = (await store.alerts.list({ tenantId: TENANT_ID, state: 'open' }))
      .map((a) => a.id)
      .sort();
    await replay(deps(), { from: '2026-11-24' }, { ...dryRun, deliver: true });
    const openAfter = (await store.alerts.list({ tenantId: TENANT_ID, state: 'open' })).map((a) => a.id);
    expect(openAfter).toEqual(expect.arrayContaining(openBefore));
  });

  it('narrows by account (UPN or id), rule and subscription', async () => {
    const byUpn = await replay(deps(), { from: '2026-11-24', upn: MAIN_LINE_UPN.toUpperCase() }, dryRun);
    expect(byUpn.selection.userId).toBe(MAIN_LINE);
    expect(byUpn.covered).toBe(2);
    expect(byUpn.outcomes).toEqual({ same: 3, new: 0, gone: 0 });

    const byRule = await replay(deps(), { from: '2026-11-24', ruleId: 'ra.standard-on-ra' }, dryRun);
    expect(byRule.covered).toBe(6);
    expect(byRule.outcomes).toEqual({ same: 1, new: 1, gone: 0 });

    const bySubscription = await replay(deps(), { from: '2026-11-24', subscriptionId: 'sub-other' }, dryRun);
    expect(bySubscription.covered).toBe(1);
    expect(bySubscription.outcomes).toEqual({ same: 0, new: 0, gone: 1 });

    const byRange = await replay(
      deps(),
      { from: '2026-11-25T00:00:00Z', to: '2026-11-26T00:00:00Z' },
      dryRun,
    );
    expect(byRange.covered).toBe(2);
  });

  it('reports a range with no events in words, and an unknown account as an error; nothing is sent', async () => {
    const outboxBefore = await countRows('alert_outbox');
    const empty = await replay(
      deps(),
      { from: '2026-11-01', to: '2026-11-02' },
      { ...dryRun, deliver: true },
    );
    expect(empty.covered).toBe(0);
    expect(empty.notice).toMatch(
      /No events were received between 2026-11-01T00:00:00.000Z and 2026-11-02T00:00:00.000Z: nothing to replay, nothing sent/,
    );

    await expect(
      replay(deps(), { from: '7d', upn: 'nobody@contoso.onmicrosoft.com' }, dryRun),
    ).rejects.toMatchObject({
      code: 'unknown-user',
      field: 'upn',
    });
    await expect(
      replay(deps(), { from: '7d', userId: '00000000-0000-4000-8000-000000000000' }, dryRun),
    ).rejects.toBeInstanceOf(ReplayInputError);
    await expect(replay(deps(), { from: '2026-11-26', to: '2026-11-25' }, dryRun)).rejects.toThrow(
      /inverted/,
    );
    expect(await countRows('alert_outbox')).toBe(outboxBefore);
  });

  it('reads a large range page by page and gives the same answer as one big page', async () => {
    const calls: EventQuery[] = [];
    const counting: Store = {
      ...store,
      events: { ...store.events, query: (q) => (calls.push(q), store.events.query(q)) },
    };
    const paged = await replay(
      { ...deps(), store: counting },
      { from: '2026-11-24' },
      { ...dryRun, pageSize: 2 },
    );
    expect(calls.map((q) => q.limit)).toEqual([2, 2, 2, 2]);
    // Keyset paging: each page starts after the last id of the one before.
    const afterIds = calls.map((q) => q.afterId!);
    expect(afterIds[0]).toBe(0);
    expect(afterIds).toEqual([...afterIds].sort((a, b) => a - b));
    expect(new Set(afterIds).size).toBe(4);

    const whole = await replay(deps(), { from: '2026-11-24' }, dryRun);
    expect(paged.replayed).toBe(whole.replayed);
    expect(paged.outcomes).toEqual(whole.outcomes);
  });

  it('previews the count without reading or writing, and tells the count before the first item', async () => {
    const recordsBefore = (await listReplayRecords(store, null)).length;
    const preview = await previewReplay(deps(), { from: '2026-11-24', upn: MAIN_LINE_UPN });
    expect(preview).toMatchObject({ covered: 2, selection: { userId: MAIN_LINE, tenantId: TENANT_ID } });
    expect(await listReplayRecords(store, null)).toHaveLength(recordsBefore);

    const seen: string[] = [];
    await replay(
      deps(),
      { from: '2026-11-24' },
      {
        ...dryRun,
        onCounted: (covered) => void seen.push(`count ${covered}`),
        onItem: () => void seen.push('item'),
      },
    );
    expect(seen[0]).toBe('count 6');
    expect(seen.slice(1).every((s) => s === 'item')).toBe(true);
  });

  it('keeps only `itemLimit` items in the report and streams them all', async () => {
    let streamed = 0;
    const report = await replay(
      deps(),
      { from: '2026-11-24' },
      { ...dryRun, itemLimit: 3, onItem: () => void (streamed += 1) },
    );
    expect(report.items).toHaveLength(3);
    expect(report.itemsOmitted).toBe(4);
    expect(streamed).toBe(7);
  });

  it('streams every item to an NDJSON export file, then the summary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-watch-export-'));
    try {
      const file = path.join(dir, 'replay.ndjson');
      const out = fs.createWriteStream(file);
      const writer = createNdjsonWriter(out);
      const report = await replay(
        deps(),
        { from: '2026-11-24' },
        { ...dryRun, itemLimit: 1, onItem: writer.write },
      );
      await writer.finish(report);
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      const lines = fs
        .readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string });
      expect(lines.filter((l) => l.kind === 'item')).toHaveLength(7);
      expect(lines.at(-1)).toMatchObject({ kind: 'summary', replayId: report.replayId, itemsOmitted: 6 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records every replay: who, when, range and counts', async () => {
    const dry = await replay(deps(), { from: '2026-11-24' }, dryRun);
    const delivered = await replay(
      deps(),
      { from: '2026-11-24', tenantId: TENANT_ID },
      { routing, by: 'oncall@contoso.com', deliver: true },
    );
    const [all] = await listReplayRecords(store, null);
    expect(all).toMatchObject({
      replayId: dry.replayId,
      by: 'tester',
      mode: 'dry-run',
      covered: 6,
      outcomes: { same: 4, new: 2, gone: 1 },
      delivered: 0,
    });
    const [tenant] = await listReplayRecords(store, TENANT_ID);
    expect(tenant).toMatchObject({
      replayId: delivered.replayId,
      by: 'oncall@contoso.com',
      mode: 'deliver',
      delivered: 2,
      startedAt: NOW.toISOString(),
    });
    expect(tenant!.selection).toMatchObject({
      from: '2026-11-24T00:00:00.000Z',
      to: NOW.toISOString(),
      tenantId: TENANT_ID,
    });
  });
});
