/**
 * `ra-watch allocation`: the free resource-account license allocation from counts an admin knows (DOMAIN.md §2),
 * without a tenant. With a tenant configured, `/api/allocation` reads the counts from subscribedSkus instead.
 */
import type { Command } from 'commander';
import { allocationFromCounts } from '../../licensing/allocation';
import type { Allocation } from '../../glossary';
import { nonNegativeInteger } from '../arguments';
import type { Output } from '../output';

interface AllocationOptions {
  qualifyingLicenses: number;
  resourceAccounts: number;
  raLicenses?: number;
  json?: boolean;
}

export function registerAllocation(program: Command, output: Output): void {
  program
    .command('allocation')
    .description('Compute the free Teams Phone Resource Account license allocation and what must be bought.')
    .requiredOption(
      '--qualifying-licenses <n>',
      'Teams Phone Standard + Teams Phone with Calling Plan + Teams Shared Devices licenses (incl. suites such as E5)',
      nonNegativeInteger('--qualifying-licenses', '600'),
    )
    .requiredOption('--resource-accounts <n>', 'resource accounts (auto attendants and call queues) that need a license', nonNegativeInteger('--resource-accounts', '90'))
    .option('--ra-licenses <n>', 'Teams Phone Resource Account licenses already purchased (including the $0 ones)', nonNegativeInteger('--ra-licenses', '85'))
    .option('--json', 'print one JSON object')
    .action((options: AllocationOptions) => {
      const allocation = allocationFromCounts({
        qualifyingLicenses: options.qualifyingLicenses,
        resourceAccounts: options.resourceAccounts,
        ...(options.raLicenses === undefined ? {} : { raLicensesPurchased: options.raLicenses }),
      });
      if (options.json === true) output.json(allocation);
      else for (const line of describeAllocation(allocation)) output.text(line);
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
