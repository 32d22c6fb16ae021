/**
 * Slack mrkdwn and Teams card Markdown both read `*`, `_`, `~` and `` ` `` in tenant text as formatting, and neither
 * has an escape every client honours (Slack has none; Teams' clients disagree on backslashes). So the characters
 * are replaced by look-alikes that no Markdown reader parses, the ones jsx-slack uses where Slack offers no escape.
 * One exception keeps identifiers exact: an underscore with a letter or digit on both sides cannot open or close
 * italics in either dialect, so `aa_main@contoso.com` and `PHONESYSTEM_VIRTUALUSER` stay as they are.
 */

const LOOK_ALIKE: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02CD', // ˍ modifier letter low macron
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
};

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function intraword(text: string, offset: number): boolean {
  return LETTER_OR_DIGIT.test(text.charAt(offset - 1)) && LETTER_OR_DIGIT.test(text.charAt(offset + 1));
}

export function withoutEmphasisMarks(text: string): string {
  return text.replace(/[*_~`]/g, (c, offset: number, all: string) =>
    c === '_' && intraword(all, offset) ? c : (LOOK_ALIKE[c] ?? c),
  );
}

/** The look-alike of a backtick, for code spans (which end at a backtick). */
export const BACKTICK_LOOK_ALIKE = '\u02CB';
