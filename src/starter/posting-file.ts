import { z } from 'zod';
import type { PostingData } from '../domain/posting';

/**
 * Shape of a posting file for `preview`: the Visma Business posting data of a company as JSON, as the VB
 * repository reads it from the database. Every group named in `productGroups`, and the default group, must be
 * in `groups`, and every VAT code named by a sales account must be in `vatCodes`.
 */
export const PostingFileSchema = z.strictObject({
  voucherType: z.number().int().positive(),
  defaultGroupNumber: z.string().min(1),
  productGroups: z.record(z.string(), z.string().min(1)),
  groups: z.record(
    z.string(),
    z.strictObject({
      groupNumber: z.string().min(1),
      salesAccounts: z.array(z.strictObject({ accountNumber: z.string().min(1), vatCode: z.string().min(1) })),
    }),
  ),
  vatCodes: z.record(
    z.string(),
    z.strictObject({
      code: z.string().min(1),
      ratePercent: z.string().regex(/^\d+(\.\d+)?$/, 'expected a VAT rate in percent such as "25" or "11.11"'),
    }),
  ),
}) satisfies z.ZodType<PostingData>;
