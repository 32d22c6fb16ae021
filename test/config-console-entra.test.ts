/** CONSOLE_ENTRA_CLIENT_ID: the console's Microsoft sign-in, only on top of the API's Entra ID settings. */
import { loadConfig } from '../src/config';
import { problemsOf } from './support/config-problems';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CONSOLE = '8a4e2b1c-6d3f-4a7e-9b0c-2e5f7a1d3c96';
const API = { API_ENTRA_TENANT_ID: TENANT, API_ENTRA_AUDIENCE: 'api://ra-watch.contoso.com' };

describe('CONSOLE_ENTRA_CLIENT_ID', () => {
  it('is null when unset, with or without the API settings', () => {
    expect(loadConfig({}).consoleEntraClientId).toBeNull();
    expect(loadConfig(API).consoleEntraClientId).toBeNull();
  });

  it('is taken with API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE', () => {
    const config = loadConfig({ ...API, CONSOLE_ENTRA_CLIENT_ID: ` ${CONSOLE} ` });
    expect(config.consoleEntraClientId).toBe(CONSOLE);
    expect(config.apiEntra).toMatchObject({ tenantId: TENANT });
  });

  it('is refused without the API settings, saying which are missing and why', () => {
    const problems = problemsOf({ CONSOLE_ENTRA_CLIENT_ID: CONSOLE });
    expect(problems).toEqual([
      expect.stringMatching(
        /^CONSOLE_ENTRA_CLIENT_ID is set but API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE are not: .*the API must accept Entra ID tokens first\. Example: API_ENTRA_TENANT_ID=/,
      ),
    ]);
  });

  it('adds nothing to the half-set API settings problem (one problem, one line)', () => {
    const problems = problemsOf({ API_ENTRA_TENANT_ID: TENANT, CONSOLE_ENTRA_CLIENT_ID: CONSOLE });
    expect(problems).toEqual([
      expect.stringMatching(
        /^Entra ID tokens on \/api need API_ENTRA_TENANT_ID and API_ENTRA_AUDIENCE together/,
      ),
    ]);
  });

  it('must be a GUID', () => {
    const problems = problemsOf({ ...API, CONSOLE_ENTRA_CLIENT_ID: 'ra-watch-console' });
    expect(problems).toEqual([
      expect.stringMatching(
        /^CONSOLE_ENTRA_CLIENT_ID="ra-watch-console" is not a GUID .*Example: CONSOLE_ENTRA_CLIENT_ID=/,
      ),
    ]);
  });
});
