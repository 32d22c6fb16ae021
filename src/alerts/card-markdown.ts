/**
 * Teams renders Markdown in an Adaptive Card's TextBlock text and in FactSet titles and values ("Format cards in
 * Teams": bold, italic, lists and `[title](url)` links), and tenant data (display names, UPNs, audit actors, titles
 * built from them) is attacker-controlled: a display name `[Reset your password](https://evil)` would be a link in
 * our card. Every string we put in a card goes through here; our own layout uses TextBlock properties, not Markdown.
 *
 * Backslash escapes are not an option: Teams' clients disagree on them (AdaptiveCards issues #5590, #5758; iOS
 * learned `\*` only in 2024), and where one is ignored the backslash shows and the markup still works. What every
 * Markdown reader agrees on is the syntax itself, so it is broken rather than escaped:
 * - a link needs `](` (or `][`, `]:` for reference links) with nothing in between: a zero-width space goes there;
 * - an autolink (`<https://…>`) or an `<at>` mention needs `<` right before it: a zero-width space goes after `<`;
 * - emphasis and code marks become look-alikes (emphasis-look-alikes.ts).
 */
import { withoutEmphasisMarks } from './emphasis-look-alikes';

const ZERO_WIDTH_SPACE = '\u200B';

/** A string as plain text inside card Markdown. */
export function cardText(text: string): string {
  return withoutEmphasisMarks(text)
    .replace(/\](?=[([:])/g, `]${ZERO_WIDTH_SPACE}`)
    .replace(/</g, `<${ZERO_WIDTH_SPACE}`);
}
