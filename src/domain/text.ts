/**
 * Widths of the Visma Business voucher columns that carry text, in UTF-16 code units, which is how SQL Server
 * counts the length of an `nvarchar` column.
 */
export const VoucherColumnWidth = {
  // NOTE: the width of `Txt` is not confirmed by public Visma documentation; check it against a real F0001.
  /** Voucher line text (`Txt`). */
  Txt: 60,
  /** KID (`CID`). */
  CID: 30,
} as const;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts a text to at most `width` UTF-16 code units without splitting a character. The text is first put in
 * Unicode NFC form, control characters and line breaks become spaces, and runs of white space become one
 * space. Cutting happens between grapheme clusters, so neither a surrogate pair nor a letter with its
 * combining accent is split.
 */
export function cutToWidth(text: string, width: number): string {
  const clean = text
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (clean.length <= width) return clean;

  let cut = '';
  for (const { segment } of graphemes.segment(clean)) {
    if (cut.length + segment.length > width) break;
    cut += segment;
  }
  return cut.trimEnd();
}
