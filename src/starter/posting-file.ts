import { z } from 'zod';
import type { PostingData } from '../domain/posting';

/**
 * Shape of a posting file for `preview`: the Visma Business posting data of a company as JSON, as the VB
 * repository reads it from the database. Every group named in `productGroups`, and the default group, must be
 * in `groups`, and every VAT code named by a sales account must be in `vatCodes`. The mapping rejects an invoice
 * that uses a missing one. Each group and VAT code is keyed by its own number or code.
 */
export const PostingFileSchema = z
  .strictObject({
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
  })
  .superRefine((posting, context) => {
    // The mapping looks groups and VAT codes up by key, so a key that differs from the number inside would post
    // with a group or code other than the one the file describes.
    for (const [key, group] of Object.entries(posting.groups)) {
      if (group.groupNumber !== key) {
        context.addIssue({
          code: 'custom',
          path: ['groups', key, 'groupNumber'],
          message: `is ${JSON.stringify(group.groupNumber)}, but the group is keyed ${JSON.stringify(key)}; use the group number as its key`,
        });
      }
    }
    for (const [key, vatCode] of Object.entries(posting.vatCodes)) {
      if (vatCode.code !== key) {
        context.addIssue({
          code: 'custom',
          path: ['vatCodes', key, 'code'],
          message: `is ${JSON.stringify(vatCode.code)}, but the VAT code is keyed ${JSON.stringify(key)}; use the code as its key`,
        });
      }
    }
  }) satisfies z.ZodType<PostingData>;
