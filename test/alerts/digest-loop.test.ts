/**
 * The scheduled daily digest: one message a day per tenant with the open alerts and the allocation, delivered to a
 * real Slack stand-in over HTTP; not before the configured hour, not twice in a day, and still sent (without the
 * allocation) when Graph cannot be read.
 */
import { createDigestLoop } from '../../src/alerts/digest-loop';
import { createSlackSink } from '../../src/alerts/slack-sink';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { silentLogger } from '../../src/logger';
import { createMemoryGraph } from '../support/memory-graph-reader';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startSlackReceiver, slackText } from '../support/slack-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { TENANT_ID, contosoSkus } from '../fixtures/licensing';

describe('the daily digest loop', () => {
  let db: TestDatabase;
  let store: Store;
  let slack: WebhookReceiver;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    store = createStore(db.database);
    slack = await startSlackReceiver();
    await store.recordObservation(
      {
        scope: { tenantId: TENANT_ID, userId: 'u1', ruleIds: ['ra.unlicensed'] },
        findings: [
          {
            ruleId: 'ra.unlicensed',
            severity: 'critical',
            subject: {
              kind: 'user',
              tenantId: TENANT_ID,
              userId: 'u1',
              displayName: 'Sales Queue',
              userPrincipalName: 'ra_sales@contoso.com',
            },
            title: 'Sales Queue has no Teams Phone Resource Account license',
            evidence: {},
            whyItMatters: 'The call queue may stop working.',
            remediation: ['Assign the license.'],
            dedupeKey: `ra.unlicensed:${TENANT_ID}:u1`,
          },
        ],
        at: '2026-11-27T07:00:00.000Z',
      },
      () => ['log'],
    );
  });
  afterEach(async () => {
    await slack.close();
    await db.drop();
  });

  function loop(at: () => Date, graph = createMemoryGraph()) {
    graph.setSkus(TENANT_ID, contosoSkus(85));
    return createDigestLoop({
      store,
      graph: graph.reader,
      sinks: new Map([['slack', createSlackSink({ webhookUrl: `${slack.url}/services/T/B/secret` })]]),
      logger: silentLogger(),
      tenantIds: [TENANT_ID],
      publicBaseUrl: null,
      now: at,
      hourUtc: 8,
    });
  }

  it('sends nothing before the hour, then one digest with the open alert, and none again that day', async () => {
    let now = new Date('2026-11-27T07:30:00Z');
    const digest = loop(() => now);
    await digest.runOnce();
    expect(slack.requests).toHaveLength(0);

    now = new Date('2026-11-27T08:05:00Z');
    await digest.runOnce();
    expect(slack.requests).toHaveLength(1);
    expect(slackText(slack.requests[0]!.body)).toContain('Sales Queue');

    now = new Date('2026-11-27T15:00:00Z');
    await digest.runOnce();
    expect(slack.requests).toHaveLength(1);

    now = new Date('2026-11-28T08:00:00Z');
    await digest.runOnce();
    expect(slack.requests).toHaveLength(2);
  });

  it('still sends the open alerts when Graph cannot give the allocation', async () => {
    const graph = createMemoryGraph();
    const digest = loop(() => new Date('2026-11-27T09:00:00Z'), graph);
    graph.reader.getSubscribedSkus = () => Promise.reject(new Error('Graph is down'));
    await digest.runOnce();
    expect(slack.requests).toHaveLength(1);
    expect(slackText(slack.requests[0]!.body)).toContain('Sales Queue');
  });
});
