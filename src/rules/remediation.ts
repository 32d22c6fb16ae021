/**
 * Remediation wording shared by several rules, in the plain words of DOMAIN.md §1 "Remediation". Kept in one place
 * so the unlicensed alert and the swap alert give an admin exactly the same recovery steps.
 */

/** Microsoft's recovery for a resource account whose licenses were swapped non-atomically. */
export const SWAP_RECOVERY_STEPS: readonly string[] = [
  'Test the auto attendant or call queue now: call its phone number (or transfer a call to it) and check that it answers and routes the call.',
  'If it misbehaves, Microsoft recommends replacing the account: create a NEW resource account, assign it the Teams Phone Resource Account license, move the phone number and the auto attendant / call queue association to it, then delete the broken account.',
];

/** How to move a resource account from Teams Phone Standard to the resource-account license without a gap. */
export const ONE_OPERATION_SWITCH =
  'Switch licenses in ONE operation: a single Graph assignLicense call with the Teams Phone Resource Account license ' +
  '(PHONESYSTEM_VIRTUALUSER) in addLicenses and the SKU that brings Teams Phone Standard in removeLicenses, or the ' +
  'Microsoft 365 admin center\'s "move users to a different subscription". Never remove Teams Phone Standard first and ' +
  'add the resource-account license in a later step.';

/** Why the free seats need an action at all. */
export const CLAIM_AT_ZERO_COST =
  'Free Teams Phone Resource Account licenses are not added automatically: "buy" them at $0 in the Microsoft 365 admin ' +
  'center (Marketplace, "Microsoft Teams Phone Resource Account"), up to the free allocation.';
