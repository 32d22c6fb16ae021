/**
 * `ra-watch demo [--scenario id...] [--json]`: plays the built-in scenarios 1-7 (or the ones named) against the
 * built-in Graph simulator through real webhook deliveries, prints what happened and which alerts fired, and exits 0
 * only if every scenario behaved as expected.
 */
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config';
import { oneShotLogger } from '../open-app';
import { SCENARIOS, scenarioById, type Scenario } from '../../graph/simulator/scenarios';
import { runDemo, type DemoReport } from '../../demo/run-demo';
import { ReportedFailure, UsageError } from '../cli-error';
import { outputOptions, reportFormat, type FormatOptions } from '../report-format';
import type { Output } from '../output';

/** The demo's default set: the seven scenarios a newcomer can follow (8-10 are exercised by the test suite). */
const DEFAULT_SCENARIOS = SCENARIOS.filter((s) => s.number <= 7);

interface DemoOptions extends FormatOptions {
  scenario?: string[];
  verbose?: boolean;
}

export function registerDemo(program: Command, output: Output): void {
  const command = program
    .command('demo')
    .description(
      'Play the built-in scenarios (a remove-first swap, an unlicensed queue, ...) against the Graph simulator and check every alert.',
    )
    .option(
      '--scenario <id...>',
      `scenario ids or numbers (default 1-7; known: ${SCENARIOS.map((s) => s.id).join(', ')})`,
    )
    .option('--verbose', 'log what ra-watch does (on stderr; LOG_FORMAT=json for JSON lines)');
  outputOptions(command, ['table', 'json']).action(async (options: DemoOptions) => {
    const json = reportFormat(options, ['table', 'json']) === 'json';
    const scenarios = pickScenarios(options.scenario);
    const config = loadConfig(readEnvironment());
    // Logs go to stderr so stdout carries only the report (one JSON document with --json).
    const logger = oneShotLogger(config, options.verbose === true ? 'debug' : 'warn');
    const report = await runDemo({
      scenarios,
      config,
      logger,
      ...(json ? {} : { onProgress: (line: string) => output.text(`· ${line}`) }),
    });
    if (json) output.json(report);
    else printReport(report, output);
    if (!report.passed) throw new ReportedFailure('some scenarios did not behave as expected');
  });
}

function pickScenarios(ids: string[] | undefined): Scenario[] {
  if (ids === undefined || ids.length === 0) return [...DEFAULT_SCENARIOS];
  return ids.map((id) => {
    const scenario = scenarioById(id);
    if (scenario === undefined)
      throw new UsageError(
        `--scenario ${id} is not a scenario (known: ${SCENARIOS.map((s) => `${s.number} ${s.id}`).join(', ')}).`,
      );
    return scenario;
  });
}

function printReport(report: DemoReport, output: Output): void {
  output.text('');
  for (const scenario of report.scenarios) {
    output.text(`${scenario.passed ? 'PASS' : 'FAIL'}  ${scenario.number}. ${scenario.title}`);
    for (const step of scenario.steps) output.text(`        admin: ${step}`);
    if (scenario.alerts.length === 0) output.text('        alerts: none');
    for (const alert of scenario.alerts) {
      output.text(
        `        alert: ${alert.ruleId} (${alert.severity}) on ${alert.userPrincipalName}: ${alert.state}`,
      );
    }
    for (const problem of scenario.problems) output.text(`        problem: ${problem}`);
  }
  const passed = report.scenarios.filter((s) => s.passed).length;
  output.text('');
  output.text(
    `${passed} of ${report.scenarios.length} scenarios behaved as expected (${(report.durationMs / 1000).toFixed(1)} s).`,
  );
}
