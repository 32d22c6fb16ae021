/**
 * Every scenario ends with the same account, printed so a reader of the CI log sees what was sent, what came back
 * and the verdict: "published = processed + dead-lettered + lost, lost = 0". `lost` is derived, never asserted
 * directly from a constant: a notification neither processed nor dead-lettered is lost.
 */
export interface ScenarioAccount {
  scenario: string;
  /** What the scenario did to the system, in words (requests, faults, kills). */
  sent: string[];
  /** What it observed (answers, queue stats, deliveries). */
  saw: string[];
  published: number;
  processed: number;
  deadLettered: number;
}

export function printVerdict(account: ScenarioAccount): number {
  const lost = account.published - account.processed - account.deadLettered;
  const lines = [
    `── reliability: ${account.scenario}`,
    ...account.sent.map((line) => `   sent: ${line}`),
    ...account.saw.map((line) => `   saw:  ${line}`),
    `   verdict: published ${account.published} = processed ${account.processed} + dead-lettered ${account.deadLettered} + lost ${lost}, lost = ${lost} → ${lost === 0 ? 'PASS' : 'FAIL'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return lost;
}
