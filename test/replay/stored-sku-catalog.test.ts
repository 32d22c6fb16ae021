/**
 * The SKU catalog stored beside the event log: every subscribedSkus answer the app reads is written once per change,
 * and replay/timeline read it back with no Graph at all. A SKU only the tenant's list knows (not in the built-in
 * catalog) is the proof that the stored list, and not the built-in one, is what the catalog uses.
 */
import type { SubscribedSku } from '../../src/glossary';
import type { GraphReader } from '../../src/graph/graph-reader';
import { silentLogger } from '../../src/logger';
import {
  readStoredSkuCatalog,
  recordingSkuCatalog,
  storedCatalogFor,
} from '../../src/replay/stored-sku-catalog';
import { createStore } from '../../src/store/sql-store';
import type { Store } from '../../src/store/store';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/databases';

const TENANT = '5f1c9a3e-7d2b-4c8e-9a61-3b0d4e2f8c17';
const CUSTOM_SKU = '0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e';
const MCOEV = '4828c8ec-dc2e-4779-b502-87ac9ce28ab7';

function skuList(enabledUnits: number): SubscribedSku[] {
  return [
    {
      skuId: CUSTOM_SKU,
      skuPartNumber: 'CONTOSO_BUNDLE',
      capabilityStatus: 'Enabled',
      enabledUnits,
      consumedUnits: 1,
      servicePlans: [{ servicePlanId: MCOEV, servicePlanName: 'MCOEV' }],
    },
  ];
}

describe.each(ENGINES)('the stored SKU catalog on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  beforeEach(async () => {
    db = await createTestDatabase(engine);
    store = createStore(db.database);
  });
  afterEach(() => db.drop());

  it('is written when the answer changes, and read back as a catalog without Graph', async () => {
    let answer = skuList(10);
    let puts = 0;
    const counted: Store = {
      ...store,
      settings: {
        ...store.settings,
        put: async (...args) => {
          puts += 1;
          await store.settings.put(...args);
        },
      },
    };
    const graph = recordingSkuCatalog(
      { getSubscribedSkus: () => Promise.resolve(answer) } as unknown as GraphReader,
      counted,
      silentLogger(),
    );
    await graph.getSubscribedSkus(TENANT);
    await graph.getSubscribedSkus(TENANT);
    answer = skuList(10); // a new array with the same content: no write either
    await graph.getSubscribedSkus(TENANT);
    expect(puts).toBe(1);
    answer = skuList(20);
    await graph.getSubscribedSkus(TENANT);
    expect(puts).toBe(2);
    expect((await readStoredSkuCatalog(store, TENANT))?.skus[0]?.enabledUnits).toBe(20);

    const fallbacks: string[] = [];
    const catalog = await storedCatalogFor(store, (t) => fallbacks.push(t))(TENANT);
    expect(catalog.skuPartNumber(CUSTOM_SKU)).toBe('CONTOSO_BUNDLE');
    expect(catalog.skuContainsPlan(CUSTOM_SKU, MCOEV)).toBe(true);
    expect(fallbacks).toEqual([]);
  });

  it('falls back to the built-in catalog, and says so, for a tenant with nothing stored', async () => {
    const fallbacks: string[] = [];
    const catalog = await storedCatalogFor(store, (t) => fallbacks.push(t))(TENANT);
    expect(fallbacks).toEqual([TENANT]);
    expect(catalog.skuPartNumber(CUSTOM_SKU)).toBeNull();
    // A well-known SKU (Teams Phone Resource Account) is still known.
    expect(catalog.skuPartNumber('440eaaa8-b3e0-484b-a8be-62870b9ba70a')).toBe('PHONESYSTEM_VIRTUALUSER');
  });
});
