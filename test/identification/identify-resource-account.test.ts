import type { UserSnapshot } from '../../src/glossary';
import type { TeamsUserConfiguration } from '../../src/graph/graph-reader';
import { createLicenseCatalog } from '../../src/licensing/license-catalog';
import type { IdentificationRecord, RegistryEntry } from '../../src/store/store';
import {
  APPLICATION_INSTANCE_DEPARTMENT,
  identifyResourceAccount,
  shouldAskTeams,
  toResourceAccount,
  type Identification,
  type IdentificationInput,
} from '../../src/identification/identify-resource-account';
import { SAMPLE_RA_ID, TENANT_ID, lic, sampleSubscribedSkus, snapshot } from '../fixtures/licensing';

const catalog = createLicenseCatalog(sampleSubscribedSkus());

const enabledUser = snapshot([], { accountEnabled: true, department: 'Sales' });
const enabledWithRaLicense = snapshot([lic.ra()], { accountEnabled: true, department: 'Sales' });
const appInstanceShape = snapshot([], { accountEnabled: false, department: APPLICATION_INSTANCE_DEPARTMENT });
const disabledNoLicense = snapshot([], { accountEnabled: false, department: null });

const registry = (isResourceAccount: boolean): RegistryEntry => ({
  tenantId: TENANT_ID,
  userId: SAMPLE_RA_ID,
  isResourceAccount,
  application: isResourceAccount ? 'call-queue' : 'unknown',
  note: 'set by admin',
  updatedAt: '2025-03-01T00:00:00.000Z',
  updatedBy: 'admin@contoso.com',
});
const teams = (accountType: string): TeamsUserConfiguration => ({
  userId: SAMPLE_RA_ID,
  accountType,
  featureTypes: [],
});
const previous = (
  identifiedBy: IdentificationRecord['identifiedBy'],
  isResourceAccount: boolean,
  checkedAt = '2025-03-04T10:00:00.000Z',
): IdentificationRecord => ({
  tenantId: TENANT_ID,
  userId: SAMPLE_RA_ID,
  isResourceAccount,
  identifiedBy,
  detail: `earlier: ${identifiedBy ?? 'none'}`,
  application: 'unknown',
  checkedAt,
});

function identify(
  s: UserSnapshot,
  parts: Partial<Omit<IdentificationInput, 'snapshot' | 'catalog'>>,
): Identification {
  return identifyResourceAccount({
    snapshot: s,
    registry: null,
    teams: null,
    applicationInstance: null,
    previous: null,
    catalog,
    ...parts,
  });
}

describe('identifyResourceAccount: the strongest source decides (DOMAIN.md §4) and is recorded', () => {
  it.each<
    [string, UserSnapshot, Partial<Omit<IdentificationInput, 'snapshot' | 'catalog'>>, boolean, string | null]
  >([
    [
      'registry says yes, everything else says no',
      enabledUser,
      { registry: registry(true), teams: teams('user') },
      true,
      'registry',
    ],
    [
      'registry says no, Teams and conventions say yes',
      appInstanceShape,
      { registry: registry(false), teams: teams('resourceAccount') },
      false,
      'registry',
    ],
    [
      'Teams says resourceAccount for an unlicensed enabled account',
      enabledUser,
      { teams: teams('resourceAccount') },
      true,
      'teams-user-configuration',
    ],
    [
      'Teams says user although it holds the RA license (license on user)',
      enabledWithRaLicense,
      { teams: teams('user') },
      false,
      'teams-user-configuration',
    ],
    [
      'Teams silent, cached Teams answer says user',
      enabledWithRaLicense,
      { previous: previous('teams-user-configuration', false) },
      false,
      'teams-user-configuration',
    ],
    [
      'Teams silent, cached Teams answer says resource account',
      enabledUser,
      { previous: previous('teams-user-configuration', true) },
      true,
      'teams-user-configuration',
    ],
    [
      'a fresh Teams answer beats the cached one',
      enabledUser,
      { teams: teams('user'), previous: previous('teams-user-configuration', true) },
      false,
      'teams-user-configuration',
    ],
    [
      'bound to a call queue application instance',
      enabledUser,
      { applicationInstance: 'call-queue' },
      true,
      'application-instance',
    ],
    [
      'application instance beats conventions',
      appInstanceShape,
      { applicationInstance: 'auto-attendant' },
      true,
      'application-instance',
    ],
    ['disabled, in the application-instance department', appInstanceShape, {}, true, 'convention'],
    ['holds the RA license, Teams silent', enabledWithRaLicense, {}, true, 'convention'],
    [
      'enabled in that department is not the convention',
      snapshot([], { accountEnabled: true, department: APPLICATION_INSTANCE_DEPARTMENT }),
      {},
      false,
      null,
    ],
    [
      'lost every license: still the resource account it was',
      disabledNoLicense,
      { previous: previous('convention', true) },
      true,
      'convention',
    ],
    [
      'a registry decision is not remembered once the entry is gone',
      disabledNoLicense,
      { previous: previous('registry', true) },
      false,
      null,
    ],
    ['an ordinary user, nothing recognises it', enabledUser, {}, false, null],
  ])('%s', (_label, s, parts, isResourceAccount, identifiedBy) => {
    const identification = identify(s, parts);
    expect({
      isResourceAccount: identification.isResourceAccount,
      identifiedBy: identification.identifiedBy,
    }).toEqual({
      isResourceAccount,
      identifiedBy,
    });
    expect(identification.detail.length).toBeGreaterThan(0);
  });

  it('carries the registry application and note, and builds the glossary ResourceAccount', () => {
    const identification = identify(enabledUser, { registry: registry(true) });
    expect(identification.application).toBe('call-queue');
    expect(identification.detail).toContain('set by admin');
    expect(toResourceAccount(enabledUser, identification)).toEqual({
      tenantId: TENANT_ID,
      userId: SAMPLE_RA_ID,
      identifiedBy: 'registry',
      detail: identification.detail,
      application: 'call-queue',
    });
  });

  it('builds no ResourceAccount for a negative identification', () => {
    expect(
      toResourceAccount(enabledWithRaLicense, identify(enabledWithRaLicense, { teams: teams('user') })),
    ).toBeNull();
  });
});

describe("Teams' accountType: only resourceAccount says yes, only user/guest say no (issue 17 item 3)", () => {
  it.each(['unknown', 'unknownFutureValue', 'sfbOnPremUser', 'ineligibleUser', 'somethingAddedNextYear'])(
    '%s decides nothing: the convention decides a disabled application-instance account',
    (accountType) => {
      const result = identify(appInstanceShape, { teams: teams(accountType) });
      expect(result).toMatchObject({ isResourceAccount: true, identifiedBy: 'convention' });
    },
  );
  it.each(['unknown', 'sfbOnPremUser', 'ineligibleUser'])(
    '%s on an ordinary user leaves it an ordinary user',
    (t) => {
      expect(identify(enabledUser, { teams: teams(t) })).toMatchObject({
        isResourceAccount: false,
        identifiedBy: null,
      });
    },
  );
  it.each([
    ['resourceAccount', true],
    ['user', false],
    ['guest', false],
  ] as const)('%s decides (isResourceAccount %s)', (accountType, expected) => {
    expect(identify(appInstanceShape, { teams: teams(accountType) })).toMatchObject({
      isResourceAccount: expected,
      identifiedBy: 'teams-user-configuration',
    });
  });
  it('recognises the legacy department "Skype for Business Application Endpoint" on a disabled account', () => {
    const legacy = snapshot([], {
      accountEnabled: false,
      department: 'Skype for Business Application Endpoint',
    });
    expect(identify(legacy, {})).toMatchObject({
      isResourceAccount: true,
      identifiedBy: 'convention',
      detail: expect.stringContaining('Skype for Business Application Endpoint'),
    });
  });
});

describe('shouldAskTeams: Teams is asked when its answer is missing, stale or could matter, not on every change', () => {
  const now = new Date('2025-03-04T12:00:00.000Z');
  const ttlMs = 6 * 3_600_000;
  it.each<[string, UserSnapshot, RegistryEntry | null, IdentificationRecord | null, boolean]>([
    ['never checked', enabledUser, null, null, true],
    ['the registry decides', enabledUser, registry(true), null, false],
    ['deleted user', { ...enabledUser, deleted: true }, null, null, false],
    [
      'checked an hour ago',
      enabledUser,
      null,
      previous('teams-user-configuration', false, '2025-03-04T11:00:00.000Z'),
      false,
    ],
    [
      'checked seven hours ago',
      enabledUser,
      null,
      previous('teams-user-configuration', false, '2025-03-04T05:00:00.000Z'),
      true,
    ],
    [
      'last decided by a registry entry that is gone',
      enabledUser,
      null,
      previous('registry', true, '2025-03-04T11:00:00.000Z'),
      true,
    ],
    [
      'nothing recognised a disabled account (a new resource account Teams did not know yet)',
      disabledNoLicense,
      null,
      previous(null, false, '2025-03-04T11:00:00.000Z'),
      true,
    ],
    [
      'nothing recognised an enabled account, checked recently',
      enabledUser,
      null,
      previous(null, false, '2025-03-04T11:00:00.000Z'),
      false,
    ],
  ])('%s', (_label, s, reg, prev, expected) => {
    expect(shouldAskTeams({ snapshot: s, registry: reg, previous: prev, now, ttlMs })).toBe(expected);
  });
});
