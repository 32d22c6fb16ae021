/**
 * The workload a service plan lives in, as `assignedPlans[].service` and the audit log's AssignedPlan
 * `ServiceInstance` name it. Names follow graph-samples (MicrosoftCommunicationsOnline, TeamspaceAPI, exchange,
 * SharePoint), which the README marks as from memory: nothing in ra-watch may decide by them.
 */
const BY_PREFIX: Array<[string, string]> = [
  ['MCO', 'MicrosoftCommunicationsOnline'],
  ['TEAMS', 'TeamspaceAPI'],
  ['EXCHANGE', 'exchange'],
  ['SHAREPOINT', 'SharePoint'],
  ['YAMMER', 'YammerEnterprise'],
  ['INTUNE', 'SCO'],
  ['AAD', 'AADPremiumService'],
];

export function serviceOfPlan(servicePlanName: string): string {
  return BY_PREFIX.find(([prefix]) => servicePlanName.startsWith(prefix))?.[1] ?? 'MicrosoftOffice';
}

export function serviceInstanceOfPlan(servicePlanName: string): string {
  return `${serviceOfPlan(servicePlanName)}/NOAM-0M-DMT`;
}
