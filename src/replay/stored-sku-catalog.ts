/**
 * The tenant's SKU catalog (subscribedSkus: which service plans each SKU grants), kept in the store beside the event
 * log so that replay and timeline need no Graph: a post-incident replay runs when Graph is unreachable or the
 * credential is gone, and it judges the events with the catalog ra-watch knew rather than a fresh read.
 *
 * Every subscribedSkus read of the running app goes through `recordingSkuCatalog`, which writes the list when it
 * differs from the one last written (the reader caches, so this is one comparison per call and a write per change).
 * One catalog per tenant, the latest: SKUs' plan lists change rarely, and an event's own licenses are in the event.
 */
import { z } from 'zod';
import type { IsoTime, SubscribedSku, TenantId } from '../glossary';
import type { GraphReader } from '../graph/graph-reader';
import { createLicenseCatalog, type LicenseCatalog } from '../licensing/license-catalog';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

export const SKU_CATALOG_KEY = 'sku-catalog';

const storedCatalogSchema = z.object({
  recordedAt: z.string(),
  skus: z.array(
    z.object({
      skuId: z.string(),
      skuPartNumber: z.string(),
      capabilityStatus: z.string(),
      enabledUnits: z.number(),
      consumedUnits: z.number(),
      servicePlans: z.array(z.object({ servicePlanId: z.string(), servicePlanName: z.string() })),
    }),
  ),
});

export interface StoredSkuCatalog {
  recordedAt: IsoTime;
  skus: SubscribedSku[];
}

/** `graph` whose subscribedSkus answers are also written to the store (a failed write is logged, never thrown). */
export function recordingSkuCatalog(
  graph: GraphReader,
  store: Pick<Store, 'settings'>,
  logger: Logger,
): GraphReader {
  const seen = new WeakSet<SubscribedSku[]>();
  const lastWritten = new Map<TenantId, string>();
  const remember = async (tenantId: TenantId, skus: SubscribedSku[]): Promise<void> => {
    if (seen.has(skus)) return;
    seen.add(skus);
    const text = JSON.stringify(skus);
    if (lastWritten.get(tenantId) === text) return;
    try {
      const stored = await readStoredSkuCatalog(store, tenantId);
      if (stored === null || JSON.stringify(stored.skus) !== text) {
        const value: StoredSkuCatalog = { recordedAt: new Date().toISOString(), skus };
        await store.settings.put(tenantId, SKU_CATALOG_KEY, JSON.stringify(value));
      }
      lastWritten.set(tenantId, text);
    } catch (error) {
      logger.warn({ tenantId, err: error }, 'could not store the SKU catalog for replay; will try again');
    }
  };
  return {
    ...graph,
    async getSubscribedSkus(tenantId, options) {
      const skus = await graph.getSubscribedSkus(tenantId, options);
      await remember(tenantId, skus);
      return skus;
    },
  };
}

/** The stored catalog of a tenant, or null when none was stored (an install older than this, or never read). */
export async function readStoredSkuCatalog(
  store: Pick<Store, 'settings'>,
  tenantId: TenantId,
): Promise<StoredSkuCatalog | null> {
  const raw = await store.settings.get(tenantId, SKU_CATALOG_KEY);
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = null;
  }
  const result = storedCatalogSchema.safeParse(parsed);
  // A row that does not parse was edited by hand: treat it as absent, so the built-in catalog is used.
  return result.success ? result.data : null;
}

/**
 * A tenant's license catalog for replay and timeline: the stored one, else the built-in catalog of well-known SKUs
 * (catalog-data.ts). Never Graph. `onFallback` hears which tenants had nothing stored, so the report can say so.
 */
export function storedCatalogFor(
  store: Pick<Store, 'settings'>,
  onFallback?: (tenantId: TenantId) => void,
): (tenantId: TenantId) => Promise<LicenseCatalog> {
  return async (tenantId) => {
    const stored = await readStoredSkuCatalog(store, tenantId);
    if (stored === null) onFallback?.(tenantId);
    return createLicenseCatalog(stored?.skus ?? []);
  };
}
