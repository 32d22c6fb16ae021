/**
 * The Slack and Teams escapers over arbitrary strings (fast-check), built from the characters that matter to the
 * two markup dialects so the interesting collisions come up often, plus any Unicode: whatever a tenant names a
 * user, the rendered text holds no control sequence of its own (`<!`, `<http`, `](`, emphasis), and a whole alert
 * rendered for each channel carries none either.
 */
import fc from 'fast-check';
import { buildAlertMessage } from '../../src/alerts/alert-message';
import { cardText } from '../../src/alerts/card-markdown';
import { renderSlackAlert } from '../../src/alerts/render-slack';
import { renderTeamsAlert } from '../../src/alerts/render-teams-card';
import { mrkdwnCode, mrkdwnText } from '../../src/alerts/slack-mrkdwn';
import { RA_USER_ID, alertOf, unlicensedFinding } from './alert-fixtures';

const markupHeavy = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '<',
      '>',
      '&',
      '!',
      '|',
      '@',
      '#',
      '*',
      '_',
      '~',
      '`',
      '[',
      ']',
      '(',
      ')',
      ':',
      '\n',
      ' ',
      'a',
      '1',
      'h',
      't',
      'p',
      's',
      '\\',
      ';',
    ),
    fc.constantFrom(
      '<!channel>',
      '<!here>',
      '<https://evil.example|x>',
      '[x](https://evil.example)',
      '&amp;',
      '&lt;',
      '<at>',
      '\u200B',
    ),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
  maxLength: 60,
});

const UNDERSCORE_NOT_INTRAWORD = /_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_/u;

/** Every `text` string anywhere in a Slack block tree. */
function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'text' && typeof value === 'string' ? [value] : textsOf(value),
  );
}

function expectInertMrkdwn(text: string): void {
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(text).not.toMatch(/[*~`]/);
  expect(text).not.toMatch(UNDERSCORE_NOT_INTRAWORD);
  expect(text).not.toMatch(/^&gt;/m);
}

function expectInertCard(text: string): void {
  expect(text).not.toMatch(/\][([:]/);
  expect(text).not.toMatch(/<(?!\u200B)/);
  expect(text).not.toMatch(/[*~`]/);
  expect(text).not.toMatch(UNDERSCORE_NOT_INTRAWORD);
}

describe('markup escapers (property)', () => {
  it('Slack mrkdwn text: only our entities, no angle brackets, no emphasis marks, no block quote', () => {
    fc.assert(
      fc.property(markupHeavy, (s) => expectInertMrkdwn(mrkdwnText(s))),
      { numRuns: 500 },
    );
  });

  it('Slack code spans: one span with no backtick or line break inside, and no angle brackets', () => {
    fc.assert(
      fc.property(markupHeavy, (s) => {
        const out = mrkdwnCode(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
        if (out.startsWith('`')) {
          expect(out.endsWith('`')).toBe(true);
          expect(out.slice(1, -1)).not.toMatch(/[`\r\n]/);
        } else {
          expectInertMrkdwn(out);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('Teams card text: no link, autolink or mention syntax, no emphasis marks', () => {
    fc.assert(
      fc.property(markupHeavy, (s) => expectInertCard(cardText(s))),
      { numRuns: 500 },
    );
  });

  it('a whole alert with a hostile name, UPN and title renders with no control sequence in either channel', () => {
    fc.assert(
      fc.property(markupHeavy, markupHeavy, markupHeavy, (displayName, upn, title) => {
        const finding = unlicensedFinding(RA_USER_ID, upn);
        if (finding.subject.kind !== 'user') throw new Error('fixture: expected a user finding');
        const alert = alertOf({ ...finding, title, subject: { ...finding.subject, displayName } });
        const message = buildAlertMessage(alert, 'opened', { publicBaseUrl: null });

        const slack = renderSlackAlert(message);
        for (const text of [slack.text, ...textsOf(slack.blocks)]) {
          expect(text).not.toContain('<!');
          expect(text).not.toContain('<http');
          expect(text).not.toContain('<@');
        }

        const card = renderTeamsAlert(message).attachments[0]!.content;
        const cardStrings = card.body.flatMap((el) =>
          el.type === 'TextBlock' ? [el.text] : el.facts.flatMap((f) => [f.title, f.value]),
        );
        for (const text of cardStrings) {
          expect(text).not.toContain('](');
          expect(text).not.toContain('<http');
          expect(text).not.toContain('<at>');
        }
      }),
      { numRuns: 100 },
    );
  });
});
