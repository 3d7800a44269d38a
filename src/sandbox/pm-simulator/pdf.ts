import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { SEED_COMPANY } from '../seed-catalogue';
import { formatDecimal, rowNetMinor } from './amounts';
import type { JsonObject, SimulatedInvoice } from './records';

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 50;
const LINE = 14;
/** Bank account printed for payment; a made-up number. */
const BANK_ACCOUNT = '1503.12.34567';

/** Characters outside Latin-1 that the WinAnsi encoding of the standard fonts can still print. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Table columns: header, left edge and alignment. */
const COLUMNS = [
  { header: 'Beskrivelse', x: MARGIN, align: 'left' },
  { header: 'Antall', x: 330, align: 'right' },
  { header: 'Enhet', x: 340, align: 'left' },
  { header: 'Pris', x: 440, align: 'right' },
  { header: 'MVA %', x: 480, align: 'right' },
  { header: 'Beløp', x: PAGE_WIDTH - MARGIN, align: 'right' },
] as const;

/**
 * Renders an invoice as a PDF with its number, customer, dates, rows, totals and KID. The document's title,
 * subject and keywords name the invoice, so a reader can tell which invoice a PDF belongs to without parsing pages.
 * The creation date is the invoice date, so the same invoice always gives the same bytes.
 */
export async function renderInvoicePdf(invoice: SimulatedInvoice): Promise<Uint8Array> {
  const body = invoice.body;
  const number = text(body.number) || 'utkast';
  const isCreditNote = body.isCreditNote === true;
  const heading = isCreditNote ? 'KREDITNOTA' : 'FAKTURA';
  const customer = (body.customer ?? {}) as JsonObject;
  const currency = text((body.currency as JsonObject | null)?.code) || 'NOK';
  const kid = text(body.referenceNumber);

  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const invoiceDate = new Date(`${text(body.date) || '2000-01-01'}T00:00:00Z`);
  doc.setTitle(`${isCreditNote ? 'Kreditnota' : 'Faktura'} ${number}`);
  doc.setSubject(`Invoice ${number} for customer ${text(customer.number)} ${text(customer.name)}`);
  doc.setKeywords([`invoice:${number}`, `guid:${invoice.guid}`, `kid:${kid}`]);
  doc.setAuthor(SEED_COMPANY.name);
  doc.setCreator('journal-import PM simulator');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(Number.isNaN(invoiceDate.getTime()) ? new Date(0) : invoiceDate);
  doc.setModificationDate(Number.isNaN(invoiceDate.getTime()) ? new Date(0) : invoiceDate);

  let page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const draw = (target: PDFPage, value: string, x: number, y: number, font: PDFFont = regular, size = 10) =>
    target.drawText(printable(value), { x, y, font, size });
  const drawRight = (target: PDFPage, value: string, right: number, y: number, font: PDFFont = regular, size = 10) =>
    draw(target, value, right - font.widthOfTextAtSize(printable(value), size), y, font, size);

  let y = PAGE_HEIGHT - MARGIN;
  draw(page, SEED_COMPANY.name, MARGIN, y, bold, 16);
  drawRight(page, heading, PAGE_WIDTH - MARGIN, y, bold, 20);
  y -= LINE * 1.5;
  draw(page, text(body.senderVatNumber), MARGIN, y);

  y -= LINE * 3;
  draw(page, 'Kunde', MARGIN, y, bold);
  draw(page, `${text(customer.name)} (kundenr. ${text(customer.number)})`, MARGIN, y - LINE);
  const facts: [string, string][] = [
    ['Fakturanummer', number],
    ['Fakturadato', text(body.date)],
    ['Forfallsdato', text(body.dueDate)],
    ['KID', kid || '-'],
    ['Valuta', currency === 'NOK' ? 'NOK' : `${currency} (kurs ${text(body.currencyRate)})`],
  ];
  for (const [label, value] of facts) {
    draw(page, label, 330, y, bold);
    draw(page, value, 430, y);
    y -= LINE;
  }
  if (text(body.notes)) {
    y -= LINE;
    draw(page, text(body.notes), MARGIN, y);
  }

  y -= LINE * 2;
  const drawHeader = (target: PDFPage, top: number) => {
    for (const column of COLUMNS) {
      if (column.align === 'left') draw(target, column.header, column.x, top, bold);
      else drawRight(target, column.header, column.x, top, bold);
    }
  };
  drawHeader(page, y);
  y -= LINE * 1.5;

  for (const row of invoice.rows) {
    if (y < MARGIN + LINE * 6) {
      page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
      y = PAGE_HEIGHT - MARGIN;
      draw(page, `${heading} ${number} (forts.)`, MARGIN, y, bold);
      y -= LINE * 2;
      drawHeader(page, y);
      y -= LINE * 1.5;
    }
    const unitPrice = (row.unitPrice ?? {}) as JsonObject;
    draw(page, text(row.description).slice(0, 48), MARGIN, y);
    drawRight(page, formatNumber(row.quantity, false), 330, y);
    draw(page, text(row.measurementUnit), 340, y);
    drawRight(page, formatNumber(unitPrice.amount, true), 440, y);
    drawRight(page, text(row.vatRate), 480, y);
    drawRight(page, rowAmount(row.quantity, unitPrice.amount), PAGE_WIDTH - MARGIN, y);
    y -= LINE;
  }

  y -= LINE;
  const totals: [string, unknown][] = [
    ['Sum eks. MVA', (body.totalExcludingTax as JsonObject | null)?.amount],
    ['MVA', (body.totalTax as JsonObject | null)?.amount],
    [
      isCreditNote ? `Til gode ${currency}` : `Å betale ${currency}`,
      (body.totalIncludingTax as JsonObject | null)?.amount,
    ],
  ];
  for (const [label, amount] of totals) {
    draw(page, label, 380, y, bold);
    drawRight(page, formatNumber(amount, true), PAGE_WIDTH - MARGIN, y, bold);
    y -= LINE;
  }

  if (!isCreditNote) {
    draw(
      page,
      `Betales til konto ${BANK_ACCOUNT} innen ${text(body.dueDate)}. Oppgi KID ${kid || '-'}.`,
      MARGIN,
      MARGIN,
    );
  }
  return doc.save();
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Formats a number Norwegian style, for example `12 345,50`; other values as they are. */
function formatNumber(value: unknown, money: boolean): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return text(value);
  const fixed = money ? value.toFixed(2) : String(value);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return fraction === undefined ? grouped : `${grouped},${fraction}`;
}

/** Quantity times unit price, rounded as the totals are, or empty when a test has made the row unreadable. */
function rowAmount(quantity: unknown, unitPrice: unknown): string {
  if (typeof quantity !== 'number' || typeof unitPrice !== 'number') return '';
  try {
    return formatNumber(Number(formatDecimal(rowNetMinor(String(quantity), String(unitPrice)), 2)), true);
  } catch {
    return '';
  }
}

/** Replaces characters that the standard fonts cannot print with `?`. */
function printable(value: string): string {
  return Array.from(value, (char) => {
    const code = char.codePointAt(0) ?? 0;
    const latin1 = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
    return latin1 || WIN_ANSI_EXTRA.has(char) ? char : '?';
  }).join('');
}
