import { cutToWidth, VoucherColumnWidth } from '../../src/domain/text';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cutToWidth', () => {
  test.each<[string, number, string]>([
    ['Faktura 10023 Fjordkraft Rådgivning AS', 60, 'Faktura 10023 Fjordkraft Rådgivning AS'],
    ['abcdef', 3, 'abc'],
    ['ab cdef', 3, 'ab'],
    ['  two\nlines\r\n\tand  tabs ', 60, 'two lines and tabs'],
    ['Østfold\u2028Transport', 60, 'Østfold Transport'],
    ['a\u030Abc', 2, 'åb'],
    ['ab👍c', 3, 'ab'],
    ['ab👍c', 4, 'ab👍'],
    ['ab👍🏽c', 5, 'ab'],
    ['ab👍🏽c', 6, 'ab👍🏽'],
    ['ae\u0301\u0301x', 2, 'a'],
    ['', 60, ''],
  ])('cuts %p to %d as %p', (text, width, expected) => {
    expect(cutToWidth(text, width)).toBe(expected);
  });

  test('never exceeds the column width', () => {
    const text = 'Faktura 10023 ' + '🏔️ Fjelltopp Rådgivning og Ånd '.repeat(5);
    for (let width = 1; width <= 80; width++) {
      const cut = cutToWidth(text, width);
      expect(cut.length).toBeLessThanOrEqual(width);
      expect(cut).not.toMatch(LONE_SURROGATE);
    }
  });

  test('voucher text fits Txt', () => {
    const cut = cutToWidth('x'.repeat(200), VoucherColumnWidth.Txt);
    expect(cut).toHaveLength(VoucherColumnWidth.Txt);
  });
});
