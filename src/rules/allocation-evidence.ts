/** The allocation as JSON evidence: the numbers and the counting basis an admin can check. */
import type { Allocation, Json } from '../glossary';

export function allocationEvidence(allocation: Allocation): { [key: string]: Json } {
  return {
    qualifyingLicenses: allocation.qualifyingLicenses,
    freeAllocation: allocation.freeAllocation,
    needed: allocation.needed,
    purchasedRaLicenses: allocation.purchasedRaLicenses,
    toBuy: allocation.toBuy,
    unclaimed: allocation.unclaimed,
    basis: allocation.basis.map((line) => ({ ...line })),
    basisText: allocation.basisText,
  };
}
