/**
 * LOG_FORMAT: JSON lines for machines, pino-pretty text for a person. Unset, the destination decides: a terminal
 * (isTTY) gets text, anything else (a pipe, a file, a collector) gets JSON. Redaction holds in both.
 */
import { Writable } from 'node:stream';
import { createLogger, logFormatFor } from '../src/logger';
import { loadConfig } from '../src/config';

function capture(isTTY: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream: Writable & { isTTY?: boolean } = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  if (isTTY) stream.isTTY = true;
  return { stream, text: () => chunks.join('') };
}

describe('log format', () => {
  it('pretty: a readable line with the level and message, fields below it, secrets still redacted', () => {
    const out = capture(false);
    const logger = createLogger({ level: 'info', destination: out.stream, format: 'pretty' });
    logger.warn({ tenantId: 't1', clientState: 'client-state-secret' }, 'subscription lapsed');
    const text = out.text();
    expect(text.split('\n')[0]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: subscription lapsed$/);
    expect(text).toContain('tenantId: "t1"');
    expect(text).not.toContain('client-state-secret');
    expect(() => JSON.parse(text.split('\n')[0]!) as unknown).toThrow();
  });

  it('json: one JSON document per line, whatever the destination', () => {
    const out = capture(true);
    const logger = createLogger({ level: 'info', destination: out.stream, format: 'json' });
    logger.info({ tenantId: 't1' }, 'started');
    expect(JSON.parse(out.text().trim())).toMatchObject({ msg: 'started', tenantId: 't1', level: 30 });
  });

  it('unset: pretty on a terminal, JSON elsewhere', () => {
    expect(logFormatFor(null, capture(true).stream)).toBe('pretty');
    expect(logFormatFor(null, capture(false).stream)).toBe('json');
    const piped = capture(false);
    createLogger({ level: 'info', destination: piped.stream }).info({}, 'piped');
    expect(JSON.parse(piped.text().trim())).toMatchObject({ msg: 'piped' });
    const terminal = capture(true);
    createLogger({ level: 'info', destination: terminal.stream }).info({}, 'on a terminal');
    // Coloured on a terminal (the ESC of an SGR sequence), unlike the piped pretty text of the first test.
    expect(terminal.text()).toMatch(/INFO.*: .*on a terminal/);
    expect(terminal.text()).toContain('\u001b[');
  });

  it('LOG_FORMAT is read and checked like every variable', () => {
    expect(loadConfig({}).logFormat).toBeNull();
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT="yaml" is neither json nor pretty/);
  });
});
