import { runCli } from '../../src/cli/main';
import { captureOutput } from '../support/captured-output';

describe('ra-watch allocation', () => {
  it('answers the Contoso example: 85 free, 90 needed, 5 to buy (--json)', async () => {
    const out = captureOutput();
    const code = await runCli(
      ['allocation', '--qualifying-licenses', '600', '--resource-accounts', '90', '--json'],
      out,
    );
    expect(code).toBe(0);
    expect(out.documents).toHaveLength(1);
    expect(out.documents[0]).toMatchObject({ freeAllocation: 85, needed: 90, toBuy: 5 });
  });

  it('prints a readable report without --json, naming the counting basis', async () => {
    const out = captureOutput();
    expect(
      await runCli(['allocation', '--qualifying-licenses', '600', '--resource-accounts', '90'], out),
    ).toBe(0);
    expect(out.stdout()).toMatch(/Free allocation:\s+85/);
    expect(out.stdout()).toMatch(/To buy \(paid\):\s+5/);
  });

  it('reports unclaimed free seats when fewer RA licenses were "bought" at $0 than are needed', async () => {
    const out = captureOutput();
    await runCli(
      [
        'allocation',
        '--qualifying-licenses',
        '600',
        '--resource-accounts',
        '40',
        '--ra-licenses',
        '25',
        '--json',
      ],
      out,
    );
    expect(out.documents[0]).toMatchObject({
      freeAllocation: 85,
      needed: 40,
      toBuy: 0,
      purchasedRaLicenses: 25,
      unclaimed: 15,
    });
  });

  it('gives no free allocation to a tenant without Teams Phone licenses', async () => {
    const out = captureOutput();
    await runCli(['allocation', '--qualifying-licenses', '0', '--resource-accounts', '3', '--json'], out);
    expect(out.documents[0]).toMatchObject({ freeAllocation: 0, toBuy: 3 });
  });

  it.each([
    [
      ['allocation', '--qualifying-licenses', 'many', '--resource-accounts', '90'],
      /--qualifying-licenses takes a whole number/,
    ],
    [['allocation', '--qualifying-licenses', '-5', '--resource-accounts', '90'], /--qualifying-licenses/],
    [['allocation', '--resource-accounts', '90'], /give both --qualifying-licenses and --resource-accounts/],
    [['no-such-command'], /unknown command 'no-such-command'/],
  ])('exits 2 with a message naming the problem for %j', async (argv, message) => {
    const out = captureOutput();
    expect(await runCli(argv, out)).toBe(2);
    expect(out.errors.join('\n')).toMatch(message);
    expect(out.documents).toHaveLength(0);
  });
});
