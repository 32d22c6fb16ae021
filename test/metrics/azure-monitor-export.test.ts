/**
 * The optional Azure Monitor export. With APPLICATIONINSIGHTS_CONNECTION_STRING set, `ra-watch serve` (a real child
 * process) sends its ra_watch_* series through the real AzureMonitorMetricExporter to the connection string's
 * IngestionEndpoint: here a local HTTPS server standing in for Application Insights' `/v2.1/track`, which takes a JSON
 * array of envelopes (possibly gzip). HTTPS because the exporter rewrites an `http://` IngestionEndpoint to
 * `https://`; the stand-in's self-signed certificate is trusted the standard Node way (NODE_EXTRA_CA_CERTS).
 * SIGTERM stops the meter provider, whose last export carries what the process counted. Statsbeat (the exporter's
 * own telemetry to Microsoft) is switched off with the SDK's variable so the test stays on loopback.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { loadConfig } from '../../src/config';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { scenarioById } from '../../src/graph/simulator/scenarios';
import { silentLogger } from '../../src/logger';
import { userNotification } from '../ingest/graph-samples';
import { makeLoopbackCertificate } from '../support/loopback-certificate';

const root = join(__dirname, '..', '..');
const INSTRUMENTATION_KEY = '3f2b6c1e-8d4a-4b7e-9c01-5a6d7e8f9012';

const envelopeSchema = z.looseObject({
  name: z.string(),
  iKey: z.string().optional(),
  data: z.looseObject({
    baseType: z.string(),
    baseData: z.looseObject({
      metrics: z.array(z.looseObject({ name: z.string(), value: z.number() })).optional(),
      properties: z.record(z.string(), z.string()).optional(),
    }),
  }),
});
type Envelope = z.infer<typeof envelopeSchema>;

interface Ingestion {
  url: string;
  requests: Array<{ method: string; path: string; gzip: boolean }>;
  envelopes: Envelope[];
  close(): Promise<void>;
}

/** A stand-in for the Application Insights ingestion endpoint over HTTPS: records every envelope it is sent. */
async function startIngestion(key: Buffer, cert: Buffer): Promise<Ingestion> {
  const requests: Ingestion['requests'] = [];
  const envelopes: Envelope[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const gzip = req.headers['content-encoding'] === 'gzip';
      requests.push({ method: req.method ?? '', path: req.url ?? '', gzip });
      const raw = gzip ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks);
      const items = z.array(envelopeSchema).parse(JSON.parse(raw.toString('utf8')));
      envelopes.push(...items);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the ingestion stand-in has no port');
  return {
    url: `https://127.0.0.1:${address.port}/`,
    requests,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The last exported value of a metric whose properties include `properties` (undefined: never exported). */
function lastValue(
  envelopes: readonly Envelope[],
  name: string,
  properties: Record<string, string> = {},
): number | undefined {
  let value: number | undefined;
  for (const envelope of envelopes) {
    const props = envelope.data.baseData.properties ?? {};
    if (!Object.entries(properties).every(([k, v]) => props[k] === v)) continue;
    const metric = envelope.data.baseData.metrics?.find((m) => m.name === name);
    if (metric !== undefined) value = metric.value;
  }
  return value;
}

describe('metrics export to Azure Monitor', () => {
  let directory: string;
  let simulator: GraphSimulator | null = null;
  let ingestion: Ingestion | null = null;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ra-watch-azure-monitor-'));
  });
  afterEach(async () => {
    await ingestion?.close();
    ingestion = null;
    await simulator?.stop();
    simulator = null;
    await rm(directory, { recursive: true, force: true });
  });

  it('serve sends the ra_watch_* gauges, counters and histogram counts to /v2.1/track, and never logs the connection string', async () => {
    const tls = makeLoopbackCertificate();
    if (tls === null)
      throw new Error('openssl is needed to make the stand-in ingestion endpoint a TLS certificate');
    const certFile = join(directory, 'cert.pem');
    await writeFile(certFile, tls.cert);
    ingestion = await startIngestion(Buffer.from(tls.key), Buffer.from(tls.cert));

    const scenario = scenarioById('contoso-allocation')!;
    const tenantId = scenario.seed.tenantId.toLowerCase();
    simulator = await startGraphSimulator({ logger: silentLogger(), seeds: [scenario.seed] });
    const clientState = randomBytes(16).toString('hex');
    const connectionString = `InstrumentationKey=${INSTRUMENTATION_KEY};IngestionEndpoint=${ingestion.url}`;
    const child = spawn(
      process.execPath,
      ['-r', join(root, 'test/support/ts-register.js'), join(root, 'src/cli/main.ts'), 'serve'],
      {
        cwd: directory,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: `sqlite:${join(directory, 'serve.db')}`,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'debug',
          CLIENT_STATE: clientState,
          GRAPH_ACCESS_TOKEN: simulator.tokenFor(tenantId),
          GRAPH_BASE_URL: simulator.url,
          AZURE_TENANT_ID: tenantId,
          APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
          NODE_EXTRA_CA_CERTS: certFile,
          APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"ra-watch started"/.exec(output);
          if (match !== null) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`serve exited (${code}) before it started: ${output}`)));
      });
      const post = async (body: string): Promise<number> => {
        const res = await fetch(`${url}/notifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        return res.status;
      };
      expect(await post('{')).toBe(400);
      expect(
        await post(
          JSON.stringify({
            value: [userNotification('a3f6c2d1-9b84-4e7a-8c15-6d2e0f9b7a41', { clientState, tenantId })],
          }),
        ),
      ).toBe(202);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    expect(ingestion.requests.length).toBeGreaterThan(0);
    expect(ingestion.requests.every((r) => r.method === 'POST' && r.path === '/v2.1/track')).toBe(true);
    const metrics = ingestion.envelopes.filter((e) => e.data.baseType === 'MetricData');
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.every((e) => e.iKey === INSTRUMENTATION_KEY)).toBe(true);
    // Counters go as deltas per interval: the one export of this short run carries the whole count.
    expect(lastValue(metrics, 'ra_watch_ingest_rejected_total', { reason: 'invalid_body' })).toBe(1);
    expect(lastValue(metrics, 'ra_watch_ingest_accepted_total')).toBe(1);
    expect(
      lastValue(metrics, 'ra_watch_ingest_ack_duration_seconds_count', {
        endpoint: 'notifications',
        status_class: '4xx',
      }),
    ).toBe(1);
    expect(
      lastValue(metrics, 'ra_watch_ingest_ack_duration_seconds_count', {
        endpoint: 'notifications',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(
      lastValue(metrics, 'ra_watch_ingest_ack_duration_seconds_sum', {
        endpoint: 'notifications',
        status_class: '2xx',
      }),
    ).toBeGreaterThan(0);
    expect(lastValue(metrics, 'ra_watch_queue_depth', { state: 'dead_lettered' })).toBe(0);
    expect(lastValue(metrics, 'ra_watch_queue_oldest_message_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(
      lastValue(metrics, 'ra_watch_graph_requests_total', { route: 'skus', status: '200' }),
    ).toBeGreaterThan(0);
    // The process metrics of prom-client's default collector stay in Prometheus.
    const names = new Set(metrics.flatMap((e) => e.data.baseData.metrics?.map((m) => m.name) ?? []));
    expect([...names].filter((name) => !name.startsWith('ra_watch_'))).toEqual([]);
    expect(output).toContain('exporting metrics to Azure Monitor');
    expect(output).not.toContain(INSTRUMENTATION_KEY);
  }, 60_000);

  it('refuses a connection string without an instrumentation key, naming the variable and hiding the value', () => {
    const secret =
      'IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;ApplicationId=a-secret-looking-id';
    expect(() => loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: secret })).toThrow(
      /APPLICATIONINSIGHTS_CONNECTION_STRING.*InstrumentationKey=<lower-case GUID>/,
    );
    try {
      loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: secret });
    } catch (error) {
      expect(String(error)).not.toContain('a-secret-looking-id');
    }
    expect(() =>
      loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=not-a-guid' }),
    ).toThrow(/InstrumentationKey=<lower-case GUID>/);
    expect(
      loadConfig({
        APPLICATIONINSIGHTS_CONNECTION_STRING: `instrumentationkey=${INSTRUMENTATION_KEY};IngestionEndpoint=https://x/`,
      }).azureMonitor?.connectionString,
    ).toContain(INSTRUMENTATION_KEY);
    expect(loadConfig({}).azureMonitor).toBeNull();
  });
});
