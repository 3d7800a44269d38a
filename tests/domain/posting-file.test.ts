import { z } from 'zod';
import { PostingFileSchema } from '../../src/starter/posting-file';
import { seedPostingData } from '../fixtures/seed-posting';

/** Returns the messages of a posting file's validation, one line each with its path, or [] when it is valid. */
function problems(posting: unknown): string[] {
  const parsed = PostingFileSchema.safeParse(posting);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('posting file schema', () => {
  test('sandbox posting data is valid', () => {
    expect(problems(seedPostingData())).toEqual([]);
  });

  test.each<[string, (posting: ReturnType<typeof seedPostingData>) => void, string]>([
    [
      'VAT code keyed differently',
      (posting) => {
        posting.vatCodes['3'].code = '99';
      },
      'vatCodes.3.code: is "99", but the VAT code is keyed "3"; use the code as its key',
    ],
    [
      'group keyed differently',
      (posting) => {
        posting.groups['1'].groupNumber = '7';
      },
      'groups.1.groupNumber: is "7", but the group is keyed "1"; use the group number as its key',
    ],
  ])('rejects %s', (_name, change, expected) => {
    const posting = seedPostingData();
    change(posting);

    expect(problems(posting)).toEqual([expected]);
  });

  test('message is printable', () => {
    const posting = seedPostingData();
    posting.groups['1'].groupNumber = '7';
    const parsed = PostingFileSchema.safeParse(posting);

    expect(parsed.success).toBe(false);
    expect(z.prettifyError(parsed.error!)).toContain('→ at groups.1.groupNumber');
  });
});
