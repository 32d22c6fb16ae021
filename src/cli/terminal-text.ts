/**
 * Human output carries tenant data (display names, UPNs, finding titles) that anyone able to rename a user controls.
 * A terminal obeys control characters in what it prints: ESC starts sequences that retitle the window, clear the
 * screen, move the cursor over earlier lines or (on some terminals) write to the clipboard, and the C1 controls
 * (U+0080–U+009F, e.g. U+009B, a one-character CSI) do the same on terminals that read them. So every C0 control
 * except tab and newline, DEL and every C1 control is dropped from a line before it is printed.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** `line` without the control characters a terminal would act on; tabs and newlines stay. */
export function printable(line: string): string {
  return line.replace(CONTROL, '');
}

/**
 * JSON text that is safe on a terminal too: JSON.stringify already escapes C0 controls, but not DEL or C1 ones;
 * `\uXXXX` escapes for those keep the document's value the same.
 */
export function printableJson(json: string): string {
  return json.replace(/[\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
