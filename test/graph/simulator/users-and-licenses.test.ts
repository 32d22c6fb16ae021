import {
  graphErrorSchema,
  graphUserSchema,
  subscribedSkusResponseSchema,
  teamsUserConfigurationPageSchema,
  teamsUserConfigurationSchema,
} from '../../../src/graph/wire-schemas';
import { startGraphSimulator, type GraphSimulator } from '../../../src/graph/simulator';
import {
  RA_SKU_ID,
  TEAMS_PHONE_STANDARD_SKU_ID,
  OFFICE_365_E5_SKU_ID,
} from '../../../src/licensing/catalog-data';
import { ADELE_ID, graph, GROUP_ID, RA_ID, smallTenant, TENANT_A, YAMMER_PLAN_ID } from './small-tenant';

const SELECT =
  'id,displayName,userPrincipalName,accountEnabled,department,assignedLicenses,licenseAssignmentStates';

describe('Graph simulator: users and licenses', () => {
  let sim: GraphSimulator;

  beforeEach(async () => {
    sim = await startGraphSimulator({ auditLagMs: 60_000 });
    sim.seed(smallTenant());
  });
  afterEach(async () => {
    await sim.stop();
  });

  const skus = async () => {
    const answer = await graph(sim, TENANT_A, 'GET', '/subscribedSkus');
    expect(answer.status).toBe(200);
    const parsed = subscribedSkusResponseSchema.parse(answer.body);
    return new Map(parsed.value.map((s) => [s.skuId, s]));
  };

  it('serves a user with the selected properties, in the wire shape, and a resource account with its conventions', async () => {
    const answer = await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}?$select=${SELECT}`);
    expect(answer.status).toBe(200);
    const user = graphUserSchema.parse(answer.body);
    expect(user.accountEnabled).toBe(false);
    expect(user.department).toBe('Microsoft Communication Application Instance');
    expect(user.assignedLicenses).toEqual([{ skuId: TEAMS_PHONE_STANDARD_SKU_ID, disabledPlans: [] }]);
    expect(user.licenseAssignmentStates).toEqual([
      expect.objectContaining({
        skuId: TEAMS_PHONE_STANDARD_SKU_ID,
        assignedByGroup: null,
        state: 'Active',
        error: null,
      }),
    ]);
    expect(Object.keys(answer.body as object).sort()).toEqual(
      ['@odata.context', ...SELECT.split(',')].sort(),
    );
    expect((answer.body as Record<string, unknown>)['@odata.context']).toBe(
      `${sim.url}/v1.0/$metadata#users(${SELECT})/$entity`,
    );
  });

  it('serves the default property set without $select (no licenses) and finds users by userPrincipalName', async () => {
    const answer = await graph(sim, TENANT_A, 'GET', `/users/AdeleV@contoso.com`);
    expect(answer.status).toBe(200);
    const body = answer.body as Record<string, unknown>;
    expect(body['id']).toBe(ADELE_ID);
    expect(body).not.toHaveProperty('assignedLicenses');
    expect(body).not.toHaveProperty('licenseAssignmentStates');
    expect(body).toHaveProperty('businessPhones');
  });

  it('answers 404 in Graph error shape for an unknown user and 400 for an unknown $select property', async () => {
    const missing = await graph(sim, TENANT_A, 'GET', '/users/47e1b2c9-6d0a-4f35-8e21-b9c4a7d3f018');
    expect(missing.status).toBe(404);
    expect(graphErrorSchema.parse(missing.body).error.code).toBe('Request_ResourceNotFound');
    expect(missing.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const badSelect = await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}?$select=id,shoeSize`);
    expect(badSelect.status).toBe(400);
    expect(graphErrorSchema.parse(badSelect.body).error.message).toContain('shoeSize');
  });

  it('pages GET /users with $top and @odata.nextLink', async () => {
    const first = await graph(sim, TENANT_A, 'GET', '/users?$top=1&$select=id,userPrincipalName');
    const page1 = first.body as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
    expect(page1.value).toHaveLength(1);
    expect(page1['@odata.nextLink']).toBeDefined();
    const second = await graph(sim, TENANT_A, 'GET', page1['@odata.nextLink'] ?? '');
    const page2 = second.body as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
    expect(page2.value).toHaveLength(1);
    expect(page2['@odata.nextLink']).toBeUndefined();
    expect(new Set([...page1.value, ...page2.value].map((u) => u.id))).toEqual(new Set([RA_ID, ADELE_ID]));
  });

  it('applies an atomic assignLicense (Graph request and response shapes) and keeps consumedUnits right', async () => {
    const before = await skus();
    expect(before.get(TEAMS_PHONE_STANDARD_SKU_ID)?.consumedUnits).toBe(1);
    expect(before.get(RA_SKU_ID)?.consumedUnits).toBe(0);
    expect(before.get(OFFICE_365_E5_SKU_ID)?.consumedUnits).toBe(3);

    const answer = await graph(sim, TENANT_A, 'POST', `/users/${RA_ID}/assignLicense`, {
      addLicenses: [{ disabledPlans: [], skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    expect(answer.status).toBe(200);
    expect(graphUserSchema.parse(answer.body).id).toBe(RA_ID);

    const after = await skus();
    expect(after.get(TEAMS_PHONE_STANDARD_SKU_ID)?.consumedUnits).toBe(0);
    expect(after.get(RA_SKU_ID)?.consumedUnits).toBe(1);
    const user = graphUserSchema.parse(
      (await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}?$select=${SELECT},assignedPlans`)).body,
    );
    expect(user.assignedLicenses.map((l) => l.skuId)).toEqual([RA_SKU_ID]);
    // The lost MCOEV plan stays listed as Deleted, like user-with-licenses.json.
    expect(user['assignedPlans']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          capabilityStatus: 'Deleted',
          servicePlanId: '4828c8ec-dc2e-4779-b502-87ac9ce28ab7',
        }),
      ]),
    );
  });

  it('keeps disabledPlans on an assignment', async () => {
    sim.assignLicense(TENANT_A, ADELE_ID, {
      addLicenses: [{ skuId: OFFICE_365_E5_SKU_ID, disabledPlans: [YAMMER_PLAN_ID] }],
    });
    const user = graphUserSchema.parse(
      (await graph(sim, TENANT_A, 'GET', `/users/${ADELE_ID}?$select=${SELECT}`)).body,
    );
    expect(user.assignedLicenses).toEqual([{ skuId: OFFICE_365_E5_SKU_ID, disabledPlans: [YAMMER_PLAN_ID] }]);
  });

  it('refuses like Graph: unknown SKU, a license the user does not hold, no seat left, a missing body member', async () => {
    const unknownSku = await graph(sim, TENANT_A, 'POST', `/users/${ADELE_ID}/assignLicense`, {
      addLicenses: [{ skuId: 'ae2343d1-0999-43f6-ae18-d816516f6e78', disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(unknownSku.status).toBe(400);
    expect(graphErrorSchema.parse(unknownSku.body).error.message).toContain(
      'does not correspond to a valid company License',
    );

    const notHeld = await graph(sim, TENANT_A, 'POST', `/users/${ADELE_ID}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [RA_SKU_ID],
    });
    expect(notHeld.status).toBe(400);

    // Teams Phone Standard has 2 seats: the RA holds one, Adele takes the other, the next user finds none.
    sim.assignLicense(TENANT_A, ADELE_ID, { addLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }] });
    const third = sim.createUser(TENANT_A, {
      id: '0d5e9b27-c4a1-4f83-b6e2-7a19f3c08d54',
      userPrincipalName: 'frontdesk@contoso.com',
      displayName: 'Front Desk',
    });
    const noSeat = await graph(sim, TENANT_A, 'POST', `/users/${third}/assignLicense`, {
      addLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID, disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(noSeat.status).toBe(400);
    expect((await skus()).get(TEAMS_PHONE_STANDARD_SKU_ID)?.consumedUnits).toBe(2);

    const noRemove = await graph(sim, TENANT_A, 'POST', `/users/${ADELE_ID}/assignLicense`, {
      addLicenses: [],
    });
    expect(noRemove.status).toBe(400);
    expect(graphErrorSchema.parse(noRemove.body).error.message).toContain('removeLicenses');
  });

  it('licenses through a group: assignedByGroup on the state, and the inherited license cannot be removed directly', async () => {
    sim.assignLicense(TENANT_A, RA_ID, {
      addLicenses: [{ skuId: RA_SKU_ID }],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    sim.addGroupMember(TENANT_A, GROUP_ID, RA_ID);
    const user = graphUserSchema.parse(
      (await graph(sim, TENANT_A, 'GET', `/users/${RA_ID}?$select=${SELECT}`)).body,
    );
    expect(user.assignedLicenses.map((l) => l.skuId).sort()).toEqual(
      [RA_SKU_ID, TEAMS_PHONE_STANDARD_SKU_ID].sort(),
    );
    expect(user.licenseAssignmentStates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          skuId: TEAMS_PHONE_STANDARD_SKU_ID,
          assignedByGroup: GROUP_ID,
          state: 'Active',
        }),
      ]),
    );
    const remove = await graph(sim, TENANT_A, 'POST', `/users/${RA_ID}/assignLicense`, {
      addLicenses: [],
      removeLicenses: [TEAMS_PHONE_STANDARD_SKU_ID],
    });
    expect(remove.status).toBe(400);
    expect(graphErrorSchema.parse(remove.body).error.message).toContain('inherited from a group');
  });

  it('records a group license that found no seat as an Error / CountViolation state, absent from assignedLicenses', async () => {
    sim.assignLicense(TENANT_A, ADELE_ID, { addLicenses: [{ skuId: TEAMS_PHONE_STANDARD_SKU_ID }] });
    const newcomer = sim.createUser(TENANT_A, {
      id: '6c2f0e84-9a71-4b3d-8e56-f1d4a7b0c923',
      userPrincipalName: 'newcomer@contoso.com',
      displayName: 'New Comer',
    });
    sim.addGroupMember(TENANT_A, GROUP_ID, newcomer);
    const user = graphUserSchema.parse(
      (await graph(sim, TENANT_A, 'GET', `/users/${newcomer}?$select=${SELECT}`)).body,
    );
    expect(user.assignedLicenses).toEqual([]);
    expect(user.licenseAssignmentStates).toEqual([
      expect.objectContaining({ state: 'Error', error: 'CountViolation', assignedByGroup: GROUP_ID }),
    ]);
  });

  it('serves Teams user configurations: resourceAccount for resource accounts, user for people, paged', async () => {
    const list = await graph(sim, TENANT_A, 'GET', '/admin/teams/userConfigurations?$top=1');
    const page1 = teamsUserConfigurationPageSchema.parse(list.body);
    expect(page1.value).toHaveLength(1);
    const page2 = teamsUserConfigurationPageSchema.parse(
      (await graph(sim, TENANT_A, 'GET', page1['@odata.nextLink'] ?? '')).body,
    );
    const all = [...page1.value, ...page2.value];
    expect(all.find((c) => c.id === RA_ID)?.accountType).toBe('resourceAccount');
    expect(all.find((c) => c.id === ADELE_ID)?.accountType).toBe('user');

    const one = await graph(sim, TENANT_A, 'GET', `/admin/teams/userConfigurations/${RA_ID}`);
    expect(teamsUserConfigurationSchema.parse(one.body).accountType).toBe('resourceAccount');
    expect((one.body as Record<string, unknown>)['telephoneNumbers']).toEqual([
      { telephoneNumber: '+14255550142', assignmentCategory: 'primary' },
    ]);
    expect(
      (
        await graph(
          sim,
          TENANT_A,
          'GET',
          '/admin/teams/userConfigurations/6c2f0e84-9a71-4b3d-8e56-f1d4a7b0c923',
        )
      ).status,
    ).toBe(404);
  });
});
