import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0),
  };
}

describe('the logger', () => {
  it('redacts secrets by key at any of the first three levels', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info(
      {
        clientState: 'client-state-secret',
        request: { headers: { authorization: 'Bearer eyJ.secret' } },
        sink: { slackWebhookUrl: 'https://hooks.slack.com/services/T/B/secret' },
        smtpUrl: 'smtps://u:p@host',
        userId: 'a3f6c2d1',
      },
      'delivery',
    );
    const [line] = out.lines();
    expect(line).toBeDefined();
    for (const secret of ['client-state-secret', 'eyJ.secret', 'hooks.slack.com', 'u:p@host'])
      expect(line).not.toContain(secret);
    expect(JSON.parse(line!)).toMatchObject({
      msg: 'delivery',
      userId: 'a3f6c2d1',
      clientState: '[redacted]',
    });
  });

  it('writes nothing below its level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info({}, 'quiet');
    logger.warn({}, 'loud');
    expect(out.lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['loud']);
  });
});
