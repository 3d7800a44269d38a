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

// Longest value that an error message quotes in full, and how much of a longer one it shows.
const MESSAGE_VALUE_MAX = 40;
const MESSAGE_VALUE_SHOWN = 20;

/**
 * Quotes a value for an error message. A value longer than 40 characters, such as a corrupt amount of hundreds of
 * digits, is cut to its first 20 characters and followed by its length: `"10000000000000000000…" (301 characters)`.
 */
export function quoteForMessage(value: string): string {
  if (value.length <= MESSAGE_VALUE_MAX) return JSON.stringify(value);
  return `${JSON.stringify(`${value.slice(0, MESSAGE_VALUE_SHOWN)}…`)} (${value.length} characters)`;
}
