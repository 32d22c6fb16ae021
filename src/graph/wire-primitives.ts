/**
 * The two primitives every Graph wire shape uses (wire-schemas.ts and its per-API files): Graph's timestamps and
 * GUIDs. In a file of their own so the per-API schema files and wire-schemas.ts can share them without a cycle.
 */
import { z } from 'zod';
import { guidSchema } from '../guid';

/** Graph timestamps: `2025-03-31T09:58:12.4170000Z`, `...417+00:00`, `...-07:00`. `Date.parse` handles all of them. */
export const graphDateTime = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
      !Number.isNaN(Date.parse(s)),
    {
      message: 'expected an ISO-8601 date-time with Z or an offset',
    },
  );

export const guid = guidSchema('expected a GUID');
