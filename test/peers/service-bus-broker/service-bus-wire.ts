/**
 * Service Bus's AMQP wire details as the test broker needs them: the link filter and property names, the batch
 * message format, .NET ticks and GUID byte order, and the rhea internals its typings leave out.
 */
import rhea, { type Message, type Receiver, type Sender } from 'rhea';

export const SESSION_FILTER = 'com.microsoft:session-filter';
export const BATCH_FORMAT = 0x80013700;
const EPOCH_TICKS = 621355968000000000n;

/** Internal rhea link fields the typings leave out (attach frames as sent and received). */
export interface LinkFrames {
  local: { attach: Record<string, unknown> };
  remote: {
    attach: {
      source?: { address?: string; filter?: Record<string, unknown> } | null;
      target?: { address?: string } | null;
      properties?: Record<string, unknown>;
    };
  };
}

export function ticksFor(time: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(time) * 10000n + EPOCH_TICKS);
  return buffer;
}

/** The outcome constructors rhea has but does not type. */
export const outcomes = rhea.message as unknown as {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): { described(): unknown };
};

export function frames(link: Sender | Receiver): LinkFrames {
  return link as unknown as LinkFrames;
}

/** The SDK reads a lock token as the tag's bytes in .NET GUID order; this is that swap (its own inverse). */
export function guidOrder(bytes: Buffer): Buffer {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Buffer.from(order.map((index) => bytes[index] ?? 0));
}

/** A batch's body: one data section per encoded message (rhea keeps several data sections as one `content` list). */
export function batchSections(batch: Message): Buffer[] {
  const section = batch.body as { content?: unknown; multiple?: boolean } | Buffer | undefined;
  if (Buffer.isBuffer(section)) return [section];
  const content = section?.content;
  const parts = Array.isArray(content) ? (content as unknown[]) : [content];
  return parts.filter((part): part is Buffer => Buffer.isBuffer(part));
}
