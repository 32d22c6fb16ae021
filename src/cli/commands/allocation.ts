/**
 * `ra-watch allocation`: the free resource-account license allocation (DOMAIN.md §2). With no counts it reads the
 * tenant: seats of every SKU with the MCOEV plan from subscribedSkus, and the resource accounts ra-watch knows (the
 * registry and its identifications; run `ra-watch audit --record` first on a new install). With
 * `--qualifying-licenses` and `--resource-accounts` it computes from counts an admin knows, with no tenant at all.
 */
import type { Command } from 'commander';
import { allocationFromCounts, allocationFromSkus } from '../../licensing/allocation';
import { countKnownResourceAccounts } from '../../api/allocation-router';
import { UsageError } from '../cli-error';
import { tenantOf, withApp } from '../open-app';
import type { Allocation } from '../../glossary';
import { nonNegativeInteger } from '../arguments';
import type { Output } from '../output';
import { csvTable } from '../../export/csv';
import { outputOptions, reportFormat, type FormatOptions } from '../report-format';

interface AllocationOptions extends FormatOptions {
  qualifyingLicenses?: number;
  resourceAccounts?: number;
  tenant?: string;
  raLicenses?: number;
}

/** One CSV row: the counts (the SKU basis is in the JSON document). */
const CSV_COLUMNS = [
  'qualifyingLicenses',
  'freeAllocation',
  'needed',
  'toBuy',
  'purchasedRaLicenses',
  'unclaimed',
  'basisText',
] as const satisfies ReadonlyArray<keyof Allocation>;

export function registerAllocation(program: Command, output: Output): void {
  const command = program
    .command('allocation')
    .description('Compute the free Teams Phone Resource Account license allocation and what must be bought.')
    .option(
      '--qualifying-licenses <n>',
      'Teams Phone Standard + Teams Phone with Calling Plan + Teams Shared Devices licenses (incl. suites such as E5)',
      nonNegativeInteger('--qualifying-licenses', '600'),
    )
    .option(
      '--resource-accounts <n>',
      'resource accounts (auto attendants and call queues) that need a license',
      nonNegativeInteger('--resource-accounts', '90'),
    )
    .option(
      '--ra-licenses <n>',
      'Teams Phone Resource Account licenses already purchased (including the $0 ones)',
      nonNegativeInteger('--ra-licenses', '85'),
    )
    .option('--tenant <id>', 'without counts: the tenant to read (default AZURE_TENANT_ID)');
  outputOptions(command).action(async (options: AllocationOptions) => {
    const format = reportFormat(options);
    const allocation = await allocationFor(options);
    if (format === 'json') output.json(allocation);
    else if (format === 'csv')
      output.text(csvTable(CSV_COLUMNS, [CSV_COLUMNS.map((c) => allocation[c])]).trimEnd());
    else for (const line of describeAllocation(allocation)) output.text(line);
  });
}

async function allocationFor(options: AllocationOptions): Promise<Allocation> {
  const given = [options.qualifyingLicenses, options.resourceAccounts].filter((n) => n !== undefined).length;
  if (given === 1) {
    throw new UsageError(
      'give both --qualifying-licenses and --resource-accounts (or neither, to read the tenant).',
    );
  }
  if (options.qualifyingLicenses === undefined || options.resourceAccounts === undefined) {
    return withApp(async (app, config) => {
      const tenantId = tenantOf(options.tenant, config);
      const [skus, accounts] = await Promise.all([
        app.graph.getSubscribedSkus(tenantId, { fresh: true }),
        countKnownResourceAccounts(app.store, tenantId),
      ]);
      return allocationFromSkus(skus, accounts.count);
    });
  }
  return allocationFromCounts({
    qualifyingLicenses: options.qualifyingLicenses,
    resourceAccounts: options.resourceAccounts,
    ...(options.raLicenses === undefined ? {} : { raLicensesPurchased: options.raLicenses }),
  });
}

export function describeAllocation(a: Allocation): string[] {
  const lines = [
    `Free allocation:      ${a.freeAllocation} (${a.basisText})`,
    `Resource accounts:    ${a.needed}`,
    `To buy (paid):        ${a.toBuy}${a.toBuy > 0 ? ` — ${a.toBuy} resource account license(s) beyond the free allocation cost money` : ''}`,
  ];
  if (a.purchasedRaLicenses !== null) lines.push(`Purchased RA licenses: ${a.purchasedRaLicenses}`);
  if (a.unclaimed !== null) {
    lines.push(
      `Unclaimed free seats: ${a.unclaimed}${a.unclaimed > 0 ? ' — "buy" these at $0 in the admin center: the free allocation is not added automatically' : ''}`,
    );
  }
  return lines;
}
