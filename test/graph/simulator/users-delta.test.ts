import { deltaPageSchema, graphErrorSchema } from '../../../src/graph/wire-schemas';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import { RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID } from '../../../src/licensing/catalog-data';
import { ADELE_ID, graph, RA_ID, smallTenant, TENANT_A } from './small-tenant';

type DeltaPage = ReturnType<typeof deltaPageSchema.parse>;

/** Follows nextLinks to the deltaLink, as a Graph client does; returns every item and the deltaLink. */
async function syncAll(sim: GraphSimulator, start: string) {
  const items: DeltaPage['value'] = [];
  let link: string | undefined = start;
  let pages = 0;
  for (;;) {
    const answer = await graph(sim, TENANT_A, 'GET', link ?? '');
    if (answer.status !== 200)
      return { status: answer.status, body: answer.body, items, deltaLink: undefined, pages };
    const page = deltaPageSchema.parse(answer.body);
    pages++;
    items.push(...page.value);
    if (page['@odata.deltaLink'] !== undefined)
      return { status: 200, body: answer.body, items, deltaLink: page['@odata.deltaLink'], pages };
    link = page['@odata.nextLink'];
  }
}

const SELECT =
  '/users/delta?$select=id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses';

describe('Graph simulator: users delta', () => {
  let sim: GraphSimulator;
  beforeEach(async () => {
    sim = await startGraphSimulator({ deltaPageSize: 1, auditLagMs: 0 });
    sim.seed(smallTenant());
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('pages a full sync with @odata.nextLink to an @odata.deltaLink, honouring $select', async () => {
    const sync = await syncAll(sim, SELECT);
    expect(sync.status).toBe(200);
    expect(sync.pages).toBe(2);
    expect(sync.items.map((u) => u.id).sort()).toEqual([ADELE_ID, RA_ID].sort());
    const ra = sync.items.find((u) => u.id === RA_ID);
    expect(ra?.assignedLicenses).toEqual([{ skuId: TEAMS_PHONE_STANDARD_SKU_ID, disabledPlans: [] }]);
    expect(Object.keys(ra ?? {}).sort()).toEqual([
      'accountEnabled',
      'assignedLicenses',
      'department',
      'displayName',
      'id',
      'userPrincipalName',
    ]);
    expect(sync.deltaLink).toMatch(new RegExp(`^${sim.url}/v1.0/users/delta\\?\\$deltatoken=`));
  });

  it('returns only what changed since the deltaLink, and deleted users as @removed (changed = soft, deleted = permanent)', async () => {
    const first = await syncAll(sim, SELECT);
    const nothing = await syncAll(sim, first.deltaLink ?? '');
    expect(nothing.items).toEqual([]);

    sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    const changed = await syncAll(sim, nothing.deltaLink ?? '');
    expect(changed.items).toHaveLength(1);
    expect(changed.items[0]?.id).toBe(RA_ID);
    expect(changed.items[0]?.assignedLicenses).toEqual([{ skuId: RA_SKU_ID, disabledPlans: [] }]);

    const newcomer = sim.createUser(TENANT_A, {
      id: '0d5e9b27-c4a1-4f83-b6e2-7a19f3c08d54',
      userPrincipalName: 'frontdesk@contoso.com',
      displayName: 'Front Desk',
    });
    sim.deleteUser(TENANT_A, ADELE_ID);
    const afterDelete = await syncAll(sim, changed.deltaLink ?? '');
    expect(afterDelete.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: newcomer, displayName: 'Front Desk' }),
        { id: ADELE_ID, '@removed': { reason: 'changed' } },
      ]),
    );
    expect(afterDelete.items).toHaveLength(2);

    sim.deleteUser(TENANT_A, newcomer, { permanent: true });
    const afterPurge = await syncAll(sim, afterDelete.deltaLink ?? '');
    expect(afterPurge.items).toEqual([{ id: newcomer, '@removed': { reason: 'deleted' } }]);
  });

  it('does not lose a user created while a round is being paged: it comes in the next round', async () => {
    const firstPage = deltaPageSchema.parse((await graph(sim, TENANT_A, 'GET', SELECT)).body);
    const early = sim.createUser(TENANT_A, {
      id: '00000001-c4a1-4f83-b6e2-7a19f3c08d54',
      userPrincipalName: 'early@contoso.com',
      displayName: 'Sorts First',
    });
    const rest = await syncAll(sim, firstPage['@odata.nextLink'] ?? '');
    const round1 = [...firstPage.value, ...rest.items].map((u) => u.id);
    expect(round1.sort()).toEqual([ADELE_ID, RA_ID].sort());
    const round2 = await syncAll(sim, rest.deltaLink ?? '');
    expect(round2.items.map((u) => u.id)).toEqual([early]);
  });

  it("answers 410 Gone with syncStateNotFound when the tenant's delta tokens expire, for deltaLinks and nextLinks alike", async () => {
    const firstPage = deltaPageSchema.parse((await graph(sim, TENANT_A, 'GET', SELECT)).body);
    const sync = await syncAll(sim, SELECT);
    sim.faults.expireDeltaTokens(TENANT_A);
    for (const link of [sync.deltaLink ?? '', firstPage['@odata.nextLink'] ?? '']) {
      const answer = await graph(sim, TENANT_A, 'GET', link ?? '');
      expect(answer.status).toBe(410);
      expect(graphErrorSchema.parse(answer.body).error.code).toBe('syncStateNotFound');
    }
    // A fresh full sync works again.
    expect((await syncAll(sim, SELECT)).status).toBe(200);
  });

  it('expires tokens by age too', async () => {
    await sim.stop();
    sim = await startGraphSimulator({ deltaTokenTtlMs: 1 });
    sim.seed(smallTenant());
    const sync = await syncAll(sim, SELECT);
    await new Promise((r) => setTimeout(r, 20));
    expect((await graph(sim, TENANT_A, 'GET', sync.deltaLink ?? '')).status).toBe(410);
  });
});
