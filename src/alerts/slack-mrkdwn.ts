/**
 * Tenant data (display names, UPNs, audit actors, the titles built from them) is attacker-controlled: anyone who can
 * rename a user can put text in our Slack message. Everything that is not our own markup goes through here.
 *
 * Slack's rule ("Formatting text for app surfaces", escaping): `&`, `<` and `>` are its control characters and must
 * be sent as `&amp;`, `&lt;` and `&gt;` (and only those: other entities are not decoded). That alone stops
 * `<!channel>`, `<https://evil|click>` and `<@U123>`. For the formatting characters `*`, `_`, `~` and `` ` `` Slack
 * offers no escape, and a zero-width space does not help: Slack reads it as a word boundary, so it *enables*
 * formatting (jsx-slack's "exact mode" relies on exactly that). So they become look-alikes
 * (emphasis-look-alikes.ts); identifiers go in code spans instead, where Slack formats nothing and they stay exact.
 */
import { BACKTICK_LOOK_ALIKE, withoutEmphasisMarks } from './emphasis-look-alikes';

function entities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text (not markup) inside a mrkdwn text object, or in a message's top-level `text` (also mrkdwn). */
export function mrkdwnText(text: string): string {
  // `&gt;` at the start of a line is still a block quote; an (invisible) soft hyphen in front stops it.
  return entities(withoutEmphasisMarks(text)).replace(/^&gt;/gm, '\u00AD&gt;');
}

/** An identifier as an inline code span: shown exactly, underscores and all. */
export function mrkdwnCode(text: string): string {
  // A backtick would end the span, and a span cannot cross a line.
  const inner = entities(text)
    .replaceAll('`', BACKTICK_LOOK_ALIKE)
    .replace(/[\r\n\u2028\u2029]+/g, ' ');
  return inner.trim() === '' ? mrkdwnText(text) : `\`${inner}\``;
}
