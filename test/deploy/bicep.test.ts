/**
 * deploy/main.bicep cannot be compiled here (the Bicep compiler ships on NuGet and GitHub only, neither reachable
 * from this project's CI), so this checks what a compiler would not anyway: that the Container App's environment
 * is the one src/config.ts reads, that no secret is a plain value, that the queue keeps Graph's guarantees, and
 * that the parameters example matches the template's parameters. Plus a well-formedness check (balanced brackets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, SECRET_VARIABLES } from '../../src/config';

const deploy = join(__dirname, '..', '..', 'deploy');
const bicep = readFileSync(join(deploy, 'main.bicep'), 'utf8');

/** The template without comments and with every string literal emptied, for structure checks. */
function code(source: string): string {
  // One pass, so a '//' inside a string (a URL) is not taken for a comment.
  return source.replace(/\/\/[^\n]*|'(?:[^'\\]|\\.)*'/g, (m) => (m.startsWith("'") ? "''" : ''));
}

interface EnvEntry {
  name: string;
  kind: 'value' | 'secretRef';
  source: string;
}

function envEntries(source: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  for (const match of source.matchAll(
    /\{\s*name:\s*'([A-Z][A-Z0-9_]*)'\s*,\s*(value|secretRef):\s*([^}]+)\}/g,
  )) {
    entries.push({ name: match[1]!, kind: match[2] as EnvEntry['kind'], source: match[3]!.trim() });
  }
  return entries;
}

function block(source: string, startPattern: RegExp): string {
  const start = source.search(startPattern);
  if (start < 0) throw new Error(`no block matching ${String(startPattern)}`);
  const open = source.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < source.length; i += 1) {
    if (source[i] === '{') depth += 1;
    if (source[i] === '}') depth -= 1;
    if (depth === 0) return source.slice(open, i + 1);
  }
  throw new Error('unbalanced block');
}

/** ISO-8601 duration of days/hours/minutes (what Service Bus takes) in minutes. */
function minutes(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration);
  if (match === null) throw new Error(`not a duration: ${duration}`);
  return Number(match[1] ?? 0) * 1440 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

describe('deploy/main.bicep', () => {
  const env = envEntries(bicep);

  it('is well-formed: braces, brackets and parentheses balance outside strings and comments', () => {
    const stripped = code(bicep);
    const stack: string[] = [];
    const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
    for (const ch of stripped) {
      if (ch === '{' || ch === '[' || ch === '(') stack.push(ch);
      else if (ch in pairs) expect(stack.pop()).toBe(pairs[ch]);
    }
    expect(stack).toEqual([]);
    // Every resource names a type with an API version.
    for (const match of stripped.matchAll(/^resource\s+\w+\s+(\S+)/gm)) expect(match[1]).toBe("''");
    expect(bicep).toMatch(/^resource \w+ 'Microsoft\.[A-Za-z]+\/[A-Za-z/]+@\d{4}-\d{2}-\d{2}(-preview)?'/m);
  });

  it('sets only variables src/config.ts knows', () => {
    expect(env.length).toBeGreaterThan(10);
    const unknown = env.map((e) => e.name).filter((name) => !CONFIG_VARIABLES.includes(name));
    expect(unknown).toEqual([]);
  });

  it('sets what a Service Bus + PostgreSQL + managed identity deployment needs', () => {
    const names = env.map((e) => e.name);
    for (const name of [
      'DATABASE_URL',
      'QUEUE',
      'SERVICE_BUS_NAMESPACE',
      'SERVICE_BUS_QUEUE',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'PUBLIC_BASE_URL',
      'CLIENT_STATE',
      'API_TOKEN',
      'SLACK_WEBHOOK_URL',
      'SMTP_URL',
    ]) {
      expect(names).toContain(name);
    }
    expect(env.find((e) => e.name === 'QUEUE')?.source).toBe("'service-bus'");
    // The client id is the identity's: with no secret set, config.ts picks the managed identity credential.
    expect(env.find((e) => e.name === 'AZURE_CLIENT_ID')?.source).toBe('identity.properties.clientId');
    for (const forbidden of ['AZURE_CLIENT_SECRET', 'GRAPH_ACCESS_TOKEN', 'SERVICE_BUS_CONNECTION_STRING'])
      expect(names).not.toContain(forbidden);
  });

  it('sets every secret variable from a Key Vault secret reference, never a plain value', () => {
    const secretEntries = env.filter((e) => SECRET_VARIABLES.includes(e.name));
    expect(secretEntries.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'CLIENT_STATE',
        'API_TOKEN',
        'SLACK_WEBHOOK_URL',
        'SMTP_URL',
        'TEAMS_WEBHOOK_URL',
        'ALERT_WEBHOOK_URL',
        'ALERT_WEBHOOK_SECRET',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ]),
    );
    for (const entry of secretEntries) {
      expect({ name: entry.name, kind: entry.kind }).toEqual({ name: entry.name, kind: 'secretRef' });
      const ref = /^'([a-z0-9-]+)'$/.exec(entry.source)?.[1];
      expect(ref).toBeDefined();
      // The referenced Container App secret is a Key Vault URL read with the user-assigned identity.
      expect(bicep).toMatch(
        new RegExp(
          `\\{ name: '${ref}', keyVaultUrl: \\w+\\.properties\\.secretUri, identity: identity\\.id \\}`,
        ),
      );
    }
  });

  it('keeps secure parameters secure', () => {
    for (const name of [
      'clientState',
      'apiToken',
      'slackWebhookUrl',
      'smtpUrl',
      'teamsWebhookUrl',
      'alertWebhookUrl',
      'alertWebhookSecret',
      'applicationInsightsConnectionString',
    ]) {
      expect(bicep).toMatch(new RegExp(`@secure\\(\\)\\n(@\\w+\\(\\d+\\)\\n)*param ${name} string`));
    }
  });

  it('declares the queue with sessions, duplicate detection of at least 4 hours, dead-lettering and 10 deliveries', () => {
    const queue = block(bicep, /resource queue 'Microsoft\.ServiceBus\/namespaces\/queues@/);
    expect(queue).toMatch(/requiresSession: true/);
    expect(queue).toMatch(/requiresDuplicateDetection: true/);
    expect(queue).toMatch(/deadLetteringOnMessageExpiration: true/);
    expect(queue).toMatch(/maxDeliveryCount: 10\b/);
    const window = /duplicateDetectionHistoryTimeWindow: '([^']+)'/.exec(queue)?.[1] ?? '';
    expect(minutes(window)).toBeGreaterThanOrEqual(4 * 60);
  });

  it('uses no preview API version (each type used has a GA one)', () => {
    const previews = [...bicep.matchAll(/^resource \w+ '([^']+-preview)'/gm)].map((m) => m[1]);
    expect(previews).toEqual([]);
  });

  it('pulls the image from the private registry with the managed identity, which holds AcrPull on it', () => {
    const app = block(bicep, /resource app 'Microsoft\.App\/containerApps@/);
    expect(app).toMatch(
      /registries: \[\{ server: registry\.properties\.loginServer, identity: identity\.id \}\]/,
    );
    expect(app).toMatch(/image: '\$\{registry\.properties\.loginServer\}\//);
    expect(app).not.toMatch(/passwordSecretRef/);
    // AcrPull's built-in role definition id, assigned to the identity on that registry.
    expect(bicep).toMatch(/var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'/);
    const pull = block(bicep, /resource registryPull 'Microsoft\.Authorization\/roleAssignments@/);
    expect(pull).toMatch(/scope: registry\b/);
    expect(pull).toMatch(/roleDefinitions', acrPull\)/);
    expect(app).toMatch(/dependsOn: \[[^\]]*\bregistryPull\b/);
  });

  it('signs in to PostgreSQL with Microsoft Entra only: no password anywhere, no public firewall rule', () => {
    const server = block(bicep, /resource postgres 'Microsoft\.DBforPostgreSQL\/flexibleServers@/);
    expect(server).toMatch(/activeDirectoryAuth: 'Enabled'/);
    expect(server).toMatch(/passwordAuth: 'Disabled'/);
    expect(server).not.toMatch(/administratorLogin/);
    expect(server).toMatch(/delegatedSubnetResourceId:/);
    const admin = block(
      bicep,
      /resource postgresAdmin 'Microsoft\.DBforPostgreSQL\/flexibleServers\/administrators@/,
    );
    expect(admin).toMatch(/name: identity\.properties\.principalId/);
    expect(admin).toMatch(/principalName: identity\.name/);
    expect(admin).toMatch(/principalType: 'ServicePrincipal'/);
    expect(bicep).not.toMatch(/firewallRules@/);
    expect(bicep).not.toMatch(/startIpAddress/);
    expect(bicep).not.toMatch(/param \w*[Pp]assword\b/);
    // The URL names the identity's role and carries no password (user@host, no user:password@host).
    const url = block(bicep, /resource databaseUrlSecret /);
    expect(url).toMatch(/value: 'postgres:\/\/\$\{uriComponent\(identity\.name\)\}@/);
  });

  it('keeps /metrics off the public ingress: METRICS_PORT is an internal-only port mapping', () => {
    const app = block(bicep, /resource app 'Microsoft\.App\/containerApps@/);
    expect(env.find((e) => e.name === 'METRICS_PORT')?.source).toBe('string(metricsPort)');
    expect(app).toMatch(/additionalPortMappings: \[\{ external: false, targetPort: metricsPort \}\]/);
    expect(app).toMatch(/targetPort: containerPort/);
    expect(bicep).toMatch(/var metricsPort = (\d+)/);
    expect(/var metricsPort = (\d+)/.exec(bicep)?.[1]).not.toBe(/var containerPort = (\d+)/.exec(bicep)?.[1]);
  });

  it('scales the app on the Service Bus queue length with the managed identity', () => {
    const app = block(bicep, /resource app 'Microsoft\.App\/containerApps@/);
    expect(app).toMatch(/type: 'azure-servicebus'/);
    expect(app).toMatch(/queueName: queueName/);
    expect(app).toMatch(/identity: identity\.id/);
    expect(app).toMatch(/path: '\/healthz'/);
    expect(app).toMatch(/path: '\/readyz'/);
    expect(app).toMatch(/minReplicas: minReplicas/);
    expect(app).toMatch(/maxReplicas: maxReplicas/);
    expect(app).toMatch(/messageCount: string\(messagesPerReplica\)/);
  });
});

describe('deploy/main.parameters.example.json', () => {
  const example = JSON.parse(readFileSync(join(deploy, 'main.parameters.example.json'), 'utf8')) as {
    parameters: Record<string, { value: unknown }>;
  };
  const declared = new Map(
    [...bicep.matchAll(/^param (\w+) (\w+)( =)?/gm)].map((m) => [
      m[1]!,
      { type: m[2]!, hasDefault: m[3] !== undefined },
    ]),
  );

  it('gives only parameters the template declares, with the declared types', () => {
    for (const [name, { value }] of Object.entries(example.parameters)) {
      const param = declared.get(name);
      expect({ name, declared: param !== undefined }).toEqual({ name, declared: true });
      expect({ name, type: typeof value }).toEqual({
        name,
        type: param?.type === 'int' ? 'number' : param?.type === 'bool' ? 'boolean' : 'string',
      });
    }
  });

  it('gives every parameter that has no default', () => {
    const required = [...declared].filter(([, p]) => !p.hasDefault).map(([name]) => name);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(Object.keys(example.parameters)).toContain(name);
  });
});
