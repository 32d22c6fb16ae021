import { snapshotsAgreeOnLicensing } from '../../src/licensing/snapshot-agreement';
import { lic, snapshot } from '../fixtures/licensing';

describe('whether two reads agree on what the rules look at', () => {
  it.each([
    [
      'same licenses in another order and case',
      snapshot([lic.e5(), lic.ra()]),
      snapshot([{ ...lic.ra(), skuId: lic.ra().skuId.toUpperCase() }, lic.e5()]),
      true,
    ],
    ['a new display name only', snapshot([lic.ra()]), snapshot([lic.ra()], { displayName: 'Renamed' }), true],
    ['a license added', snapshot([lic.ra()]), snapshot([lic.ra(), lic.standard()]), false],
    [
      'a plan switched off',
      snapshot([lic.e5()]),
      snapshot([lic.e5(['4828c8ec-dc2e-4779-b502-87ac9ce28ab7'])]),
      false,
    ],
    ['account enabled', snapshot([]), snapshot([], { accountEnabled: true }), false],
    [
      'department changed',
      snapshot([]),
      snapshot([], { department: 'Microsoft Communication Application Instance' }),
      false,
    ],
    ['deleted', snapshot([]), snapshot([], { deleted: true }), false],
  ])('%s -> %p', (_what, a, b, agree) => {
    expect(snapshotsAgreeOnLicensing(a, b)).toBe(agree);
  });
});
