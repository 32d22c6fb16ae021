import { Writable } from 'node:stream';
import { createCsvWriter, createNdjsonWriter } from '../../src/replay/export';
import type { ReplayItem, ReplayReport } from '../../src/replay/replay-report';

function item(
  eventId: number,
  title = 'Sales Queue has no Teams Phone Resource Account license',
): ReplayItem {
  return {
    eventId,
    tenantId: 't',
    userId: 'u',
    userPrincipalName: 'ra_cq_sales@contoso.onmicrosoft.com',
    displayName: 'Sales Queue',
    receivedAt: '2026-11-24T10:00:00.000Z',
    graphTime: null,
    outcome: 'new',
    ruleId: 'ra.unlicensed',
    severity: 'critical',
    title,
    dedupeKey: 'ra.unlicensed:t:u',
    alertId: null,
    delivery: null,
  };
}

const report = {
  replayId: 'r1',
  covered: 3,
  items: [item(1)],
  outcomes: { same: 0, new: 3, gone: 0 },
} as unknown as ReplayReport;

/** A destination that accepts one small chunk at a time and acknowledges it later, so writers must wait for drain. */
function slowSink(): { out: Writable; text: () => string; maxBuffered: () => number } {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const out = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      setImmediate(callback);
    },
  });
  const original = out.write.bind(out);
  out.write = ((chunk: string) => {
    const ok = original(chunk);
    maxBuffered = Math.max(maxBuffered, out.writableLength);
    return ok;
  }) as typeof out.write;
  return { out, text: () => chunks.join(''), maxBuffered: () => maxBuffered };
}

describe('replay exports', () => {
  it('writes NDJSON: one item per line, then a summary line without the items', async () => {
    const sink = slowSink();
    const writer = createNdjsonWriter(sink.out);
    for (let i = 1; i <= 200; i += 1) await writer.write(item(i));
    await writer.finish(report);
    await new Promise<void>((resolve) => sink.out.end(resolve));
    const lines = sink
      .text()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(201);
    expect(lines[0]).toMatchObject({ kind: 'item', eventId: 1, outcome: 'new' });
    expect(lines[199]).toMatchObject({ kind: 'item', eventId: 200 });
    expect(lines[200]).toMatchObject({ kind: 'summary', replayId: 'r1', covered: 3 });
    expect(lines[200]).not.toHaveProperty('items');
  });

  it('waits for the destination to drain instead of buffering everything', async () => {
    const sink = slowSink();
    const writer = createNdjsonWriter(sink.out);
    for (let i = 1; i <= 500; i += 1) await writer.write(item(i));
    // 500 lines are ~200 KB; a writer that ignored backpressure would have buffered most of them.
    expect(sink.maxBuffered()).toBeLessThan(2_000);
  });

  it('writes CSV with a header, quoting and formula-safe cells', async () => {
    const sink = slowSink();
    const writer = createCsvWriter(sink.out);
    await writer.write(item(7, '=HYPERLINK("x"), "quoted", comma'));
    await writer.finish(report);
    await new Promise<void>((resolve) => sink.out.end(resolve));
    const rows = sink.text().split('\r\n');
    expect(rows[0]).toBe(
      'eventId,receivedAt,graphTime,tenantId,userId,userPrincipalName,displayName,outcome,ruleId,severity,title,dedupeKey,alertId,delivery',
    );
    expect(rows[1]).toBe(
      `7,2026-11-24T10:00:00.000Z,,t,u,ra_cq_sales@contoso.onmicrosoft.com,Sales Queue,new,ra.unlicensed,critical,"'=HYPERLINK(""x""), ""quoted"", comma",ra.unlicensed:t:u,,`,
    );
  });

  it('writes just the header for an empty CSV export', async () => {
    const sink = slowSink();
    await createCsvWriter(sink.out).finish(report);
    await new Promise<void>((resolve) => sink.out.end(resolve));
    expect(sink.text().split('\r\n')).toHaveLength(2);
  });
});
