import { createGraphReader } from '../../../src/graph/client/graph-reader-client';
import { directoryAuditPageSchema, graphErrorSchema } from '../../../src/graph/wire-schemas';
import { silentLogger } from '../../../src/logger';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../../src/licensing/catalog-data';
import { ADELE_ID, graph, RA_ID, smallTenant, TENANT_A } from './small-tenant';

// Long enough that the first query surely comes before it, even on a loaded machine.
const LAG_MS = 2500;

async function auditsFor(sim: GraphSimulator, userId: string, fromIso: string, extra = '') {
  const filter = `targetResources/any(t: t/id eq '${userId}') and activityDateTime ge ${fromIso}`;
  const answer = await graph(
    sim,
    TENANT_A,
    'GET',
    `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}${extra}`,
  );
  expect(answer.status).toBe(200);
  return directoryAuditPageSchema.parse(answer.body);
}

async function untilVisible(sim: GraphSimulator, userId: string, fromIso: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const page = await auditsFor(sim, userId, fromIso);
    if (page.value.length >= count) return page;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('audit records never became visible');
}

const licenseProperty = (record: {
  targetResources: Array<{
    modifiedProperties?: Array<{
      displayName?: string | null;
      oldValue?: string | null;
      newValue?: string | null;
    }> | null;
  }>;
}) => record.targetResources[0]?.modifiedProperties?.find((p) => p.displayName === 'AssignedLicense');

describe('Graph simulator: directory audit log', () => {
  let sim: GraphSimulator;
  afterEach(async () => {
    await sim.stop();
  });

  it('records one license activity as "Change user license" + "Update user" with one correlationId, visible only after the lag', async () => {
    sim = await startGraphSimulator({ auditLagMs: LAG_MS });
    sim.seed(smallTenant());
    await auditsFor(sim, RA_ID, new Date().toISOString()); // warm the connection up
    const from = new Date(Date.now() - 1000).toISOString();
    const activityId = sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });

    // The records exist, but Graph's log is late: not served yet.
    expect(sim.auditRecords(TENANT_A)).toHaveLength(2);
    expect((await auditsFor(sim, RA_ID, from)).value).toHaveLength(0);

    const page = await untilVisible(sim, RA_ID, from, 2);
    expect(page.value).toHaveLength(2);
    expect(new Set(page.value.map((r) => r.correlationId))).toEqual(new Set([activityId]));
    expect(page.value.map((r) => r.activityDisplayName).sort()).toEqual([
      'Change user license',
      'Update user',
    ]);
    for (const record of page.value) {
      expect(record.id).toMatch(new RegExp(`^Directory_${activityId}_7KQPN_\\d+$`));
      expect(record.activityDateTime).toMatch(/\.\d{7}Z$/);
      expect(record.category).toBe('UserManagement');
      expect(record.loggedByService).toBe('Core Directory');
      expect(record.initiatedBy?.user?.userPrincipalName).toBe('admin@contoso.onmicrosoft.com');
    }
    const update = page.value.find((r) => r.activityDisplayName === 'Update user');
    const change = page.value.find((r) => r.activityDisplayName === 'Change user license');
    expect(change?.targetResources[0]?.modifiedProperties).toEqual([]);
    // The full set before and after, each license in the .NET ToString format inside a JSON-encoded array.
    const detail = update ? licenseProperty(update) : undefined;
    expect(detail?.oldValue).toBe(
      `["[SkuName=MCOEV, AccountId=${TENANT_A}, SkuId=${TEAMS_PHONE_STANDARD_SKU_ID}, DisabledPlans=[]]"]`,
    );
    expect(detail?.newValue).toBe(
      `["[SkuName=PHONESYSTEM_VIRTUALUSER, AccountId=${TENANT_A}, SkuId=${RA_SKU_ID}, DisabledPlans=[]]"]`,
    );
    const plans = update?.targetResources[0]?.modifiedProperties?.find(
      (p) => p.displayName === 'AssignedPlan',
    );
    expect(JSON.parse(plans?.newValue ?? 'null')).toEqual([
      expect.objectContaining({ ServicePlanId: 'f47330e9-c134-43b3-9993-e7f004506889', CapabilityStatus: 0 }),
    ]);
  });

  it('gives two activities (two correlationIds) to a swap done in two calls, and filters by user and time', async () => {
    sim = await startGraphSimulator({ auditLagMs: 0 });
    sim.seed(smallTenant());
    const from = new Date(Date.now() - 1000).toISOString();
    const a = sim.assignLicense(TENANT_A, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
    const b = sim.assignLicense(TENANT_A, RA_ID, { addLicenses: [{ skuId: RA_SKU_ID }] });
    sim.assignLicense(TENANT_A, ADELE_ID, { addLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }] });
    expect(a).not.toBe(b);

    const page = await auditsFor(sim, RA_ID, from);
    expect(page.value).toHaveLength(4);
    expect(new Set(page.value.map((r) => r.correlationId))).toEqual(new Set([a, b]));
    const removal = page.value.find((r) => r.correlationId === a && r.activityDisplayName === 'Update user');
    expect(removal && licenseProperty(removal)?.newValue).toBe('[]');

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await auditsFor(sim, RA_ID, future)).value).toHaveLength(0);
    const onlyChanges = `$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${RA_ID}') and (activityDisplayName eq 'Change user license' or activityDisplayName eq 'Update user') and activityDisplayName eq 'Change user license'`)}`;
    const changes = directoryAuditPageSchema.parse(
      (await graph(sim, TENANT_A, 'GET', `/auditLogs/directoryAudits?${onlyChanges}`)).body,
    );
    expect(changes.value.map((r) => r.activityDisplayName)).toEqual([
      'Change user license',
      'Change user license',
    ]);
  });

  it('pages with $top and @odata.nextLink, newest first by default and oldest first on request', async () => {
    sim = await startGraphSimulator({ auditLagMs: 0 });
    sim.seed(smallTenant());
    const from = new Date(Date.now() - 1000).toISOString();
    const a = sim.assignLicense(TENANT_A, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
    await new Promise((r) => setTimeout(r, 5));
    const b = sim.assignLicense(TENANT_A, RA_ID, { addLicenses: [{ skuId: RA_SKU_ID }] });
    const seen: string[] = [];
    let next: string | undefined =
      `/auditLogs/directoryAudits?$top=3&$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${RA_ID}') and activityDateTime ge ${from}`)}`;
    let pages = 0;
    while (next !== undefined) {
      const page = directoryAuditPageSchema.parse((await graph(sim, TENANT_A, 'GET', next)).body);
      seen.push(...page.value.map((r) => r.id));
      next = page['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(4);
    const newestFirst = directoryAuditPageSchema.parse(
      (await graph(sim, TENANT_A, 'GET', '/auditLogs/directoryAudits')).body,
    );
    expect(newestFirst.value[0]?.correlationId).toBe(b);
    const oldestFirst = directoryAuditPageSchema.parse(
      (await graph(sim, TENANT_A, 'GET', '/auditLogs/directoryAudits?$orderby=activityDateTime%20asc')).body,
    );
    expect(oldestFirst.value[0]?.correlationId).toBe(a);
  });

  it('can carry the detail on "Change user license" itself (newer tenants)', async () => {
    sim = await startGraphSimulator({ auditLagMs: 0 });
    sim.seed({ ...smallTenant(), auditDetailOn: 'change-user-license' });
    sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    const page = directoryAuditPageSchema.parse(
      (await graph(sim, TENANT_A, 'GET', '/auditLogs/directoryAudits')).body,
    );
    const change = page.value.find((r) => r.activityDisplayName === 'Change user license');
    expect(change && licenseProperty(change)?.newValue).toContain('SkuName=PHONESYSTEM_VIRTUALUSER');
    const update = page.value.find((r) => r.activityDisplayName === 'Update user');
    expect(update && licenseProperty(update)).toBeUndefined();
  });

  it('can split a large detail record into "sequence" parts that join back to the full payload', async () => {
    sim = await startGraphSimulator({ auditLagMs: 0 });
    sim.seed({ ...smallTenant(), splitAuditDetailAbove: 300 });
    const from = new Date(Date.now() - 1000).toISOString();
    const activityId = sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    const page = await auditsFor(sim, RA_ID, from);
    const parts = page.value.filter((r) => r.activityDisplayName === 'Update user');
    expect(parts.length).toBeGreaterThan(1);
    const detail = (r: (typeof parts)[number], key: string) =>
      r.additionalDetails?.find((d) => d.key === key)?.value ?? '';
    expect(new Set(parts.map((p) => detail(p, 'c')))).toEqual(new Set([String(parts.length)]));
    const joined = [...parts]
      .sort((a, b) => Number(detail(a, 'seq')) - Number(detail(b, 'seq')))
      .map((p) => detail(p, 'b'))
      .join('');
    const properties = JSON.parse(joined) as Array<{ displayName: string; newValue: string | null }>;
    expect(properties.find((p) => p.displayName === 'AssignedLicense')?.newValue).toContain(
      'SkuName=PHONESYSTEM_VIRTUALUSER',
    );
    for (const part of parts) expect(part.targetResources[0]?.modifiedProperties).toEqual([]);

    // ra-watch's own client rebuilds the one activity from the parts.
    const reader = createGraphReader({
      baseUrl: sim.url,
      tokenProvider: (t) => Promise.resolve(sim.tokenFor(t)),
      logger: silentLogger(),
    });
    const activities = await reader.getLicenseActivities(
      TENANT_A,
      RA_ID,
      from,
      new Date(Date.now() + 60_000).toISOString(),
    );
    expect(activities).toEqual([
      expect.objectContaining({
        activityId,
        addedSkuIds: [RA_SKU_ID],
        removedSkuIds: [TEAMS_PHONE_STANDARD_SKU_ID],
      }),
    ]);
  });

  it("can leave a license activity out of the log, as Graph's log sometimes does", async () => {
    sim = await startGraphSimulator({ auditLagMs: 0 });
    sim.seed(smallTenant());
    sim.faults.omitAuditRecordsNext(TENANT_A, 1);
    sim.assignLicense(TENANT_A, RA_ID, { removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID] });
    const logged = sim.assignLicense(TENANT_A, RA_ID, { addLicenses: [{ skuId: RA_SKU_ID }] });
    const page = directoryAuditPageSchema.parse(
      (await graph(sim, TENANT_A, 'GET', '/auditLogs/directoryAudits')).body,
    );
    expect(new Set(page.value.map((r) => r.correlationId))).toEqual(new Set([logged]));
  });

  it('refuses a filter Graph would not take, with 400 in Graph error shape', async () => {
    sim = await startGraphSimulator({ auditLagMs: 0 });
    sim.seed(smallTenant());
    const answer = await graph(
      sim,
      TENANT_A,
      'GET',
      `/auditLogs/directoryAudits?$filter=${encodeURIComponent("contains(activityDisplayName, 'license')")}`,
    );
    expect(answer.status).toBe(400);
    expect(graphErrorSchema.parse(answer.body).error.message).toContain('not supported');
  });
});
