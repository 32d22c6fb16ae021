import { createRouting } from '../../src/alerts/alert-routing';
import type { Severity } from '../../src/glossary';
import { alertOf, unlicensedFinding } from './alert-fixtures';

const alertWith = (severity: Severity) => alertOf({ ...unlicensedFinding(), severity }, { severity });
const ALL = ['slack', 'teams', 'email', 'webhook', 'log'];

describe('alert routing by severity', () => {
  it.each([
    ['critical', ['slack', 'teams', 'email', 'webhook', 'log']],
    ['warning', ['slack', 'teams', 'webhook', 'log']],
    ['info', ['log']], // info waits for the daily digest
  ] as const)('%s goes to %j when every sink is configured', (severity, expected) => {
    expect(createRouting({ sinks: ALL })(alertWith(severity), 'opened')).toEqual(expected);
  });

  it('uses only configured sinks, and always the log', () => {
    const route = createRouting({ sinks: ['email'] });
    expect(route(alertWith('critical'), 'opened')).toEqual(['email', 'log']);
    expect(route(alertWith('warning'), 'opened')).toEqual(['log']);
    expect(createRouting({ sinks: [] })(alertWith('critical'), 'opened')).toEqual(['log']);
  });

  it('sends the resolved message where the opening went', () => {
    const route = createRouting({ sinks: ALL });
    for (const severity of ['critical', 'warning', 'info'] as const) {
      expect(route(alertWith(severity), 'resolved')).toEqual(route(alertWith(severity), 'opened'));
    }
  });

  it('takes overrides per severity, keeping the defaults for the others', () => {
    const route = createRouting({ sinks: ALL, routes: { warning: ['email'] } });
    expect(route(alertWith('warning'), 'opened')).toEqual(['email', 'log']);
    expect(route(alertWith('critical'), 'opened')).toContain('slack');
  });
});
