/**
 * Master data shared by the PM simulator and the sandbox Visma Business database, so that the customers and
 * products on the simulator's invoices exist in the sandbox VB, as the master-data integration keeps them in
 * production. Exceptions are marked: one customer only in PM, one product only in PM.
 */

/** A customer of the sandbox consultancy. */
export interface SeedCustomer {
  customerNumber: string;
  name: string;
  /** False for a customer that the master-data integration has not yet copied to Visma Business. */
  inVismaBusiness: boolean;
}

/** A product or work type billed on sandbox invoices. */
export interface SeedProduct {
  code: string;
  name: string;
  unit: string;
  /** Unit price in NOK as an exact decimal string. */
  unitPrice: string;
  /** VAT rate in percent. */
  vatRatePercent: string;
  /** Tax and accounting group in Visma Business; null for a product that Visma Business does not know. */
  vismaBusinessGroup: string | null;
}

/** Sandbox customers: numbers 10001 to 10030 exist in both systems, 10099 only in PM. */
export const SEED_CUSTOMERS: SeedCustomer[] = [
  'Fjordkraft Rådgivning AS',
  'Nordlys Eiendom AS',
  'Bergen Byggservice AS',
  'Trondheim Teknologi AS',
  'Østfold Transport AS',
  'Tromsø Havbruk AS',
  'Stavanger Energi Partner AS',
  'Lillehammer Reiseliv AS',
  'Drammen Regnskap AS',
  'Kristiansand Marine AS',
  'Bodø Logistikk AS',
  'Ålesund Fiskeri AS',
  'Hamar Landbruk SA',
  'Molde Medisinsk AS',
  'Haugesund Verft AS',
  'Sandnes Sport AS',
  'Gjøvik Glass AS',
  'Arendal Arkitekter AS',
  'Tønsberg Handel AS',
  'Narvik Malm AS',
  'Kongsberg Kontroll AS',
  'Halden Helse AS',
  'Larvik Laks AS',
  'Steinkjer Skog SA',
  'Harstad Havn KF',
  'Elverum Elektro AS',
  'Mo Industri AS',
  'Førde Fornybar AS',
  'Kristiansund Konsulent AS',
  'Horten Hydrografi AS',
]
  .map((name, index) => ({ customerNumber: String(10001 + index), name, inVismaBusiness: true }))
  .concat([{ customerNumber: '10099', name: 'Nyetablert Kunde AS', inVismaBusiness: false }]);

/** Sandbox products: consulting hours, travel, licences and courses, with the VAT rates they carry in Norway. */
export const SEED_PRODUCTS: SeedProduct[] = [
  product('KONS-SENIOR', 'Senior consultant', 'hour', '1650.00', '25', '1'),
  product('KONS-JUNIOR', 'Consultant', 'hour', '1150.00', '25', '1'),
  product('PROSJLED', 'Project management', 'hour', '1450.00', '25', '1'),
  product('LIS-AR', 'Software licence, annual', 'pcs', '12000.00', '25', '1'),
  product('LIS-MND', 'Software licence, monthly', 'pcs', '990.00', '25', '1'),
  product('KURS-LUNSJ', 'Course lunch', 'pcs', '245.00', '15', '1'),
  product('REISE-FLY', 'Air travel', 'trip', '2350.00', '12', '2'),
  product('REISE-TOG', 'Train ticket', 'trip', '649.00', '12', '2'),
  product('KURS-DAG', 'Course day', 'day', '7900.00', '0', '3'),
  product('DIV-UTLEGG', 'Other expenses', 'pcs', '100.00', '25', null),
];

/** Visma Business VAT codes of the sandbox, with their rates in percent. */
export const SEED_VAT_CODES = [
  { code: '3', ratePercent: '25', description: 'Output VAT, standard rate' },
  { code: '31', ratePercent: '15', description: 'Output VAT, food rate' },
  { code: '33', ratePercent: '12', description: 'Output VAT, low rate' },
  { code: '5', ratePercent: '0', description: 'No output VAT, within the VAT act' },
  { code: '6', ratePercent: '0', description: 'No output VAT, outside the VAT act' },
];

/** Visma Business tax and accounting groups of the sandbox: sales account and VAT code per VAT rate. */
export const SEED_POSTING_GROUPS = [
  {
    groupNumber: '1',
    name: 'Sales of services and goods',
    salesAccounts: [
      { accountNumber: '3000', vatCode: '3' },
      { accountNumber: '3010', vatCode: '31' },
      { accountNumber: '3020', vatCode: '33' },
      { accountNumber: '3100', vatCode: '5' },
    ],
  },
  {
    groupNumber: '2',
    name: 'Re-invoiced travel',
    salesAccounts: [
      { accountNumber: '3020', vatCode: '33' },
      { accountNumber: '3000', vatCode: '3' },
    ],
  },
  {
    groupNumber: '3',
    name: 'Courses, exempt from VAT',
    salesAccounts: [{ accountNumber: '3200', vatCode: '6' }],
  },
];

/** Company settings of the sandbox Visma Business company. */
export const SEED_COMPANY = {
  companyNumber: 1,
  name: 'Fjelltopp Consulting AS',
  defaultPostingGroup: '1',
  invoiceVoucherType: 11,
  /** First and last voucher number of the series for imported invoices. */
  invoiceVoucherSeries: { first: 100000, last: 199999 },
  /** KID settings: PM's layout (invoice number, customer number, MOD10 check digit) without fixed widths. */
  kid: { algorithm: 'mod10' as const, invoiceDigits: null, customerDigits: null },
};

function product(
  code: string,
  name: string,
  unit: string,
  unitPrice: string,
  vatRatePercent: string,
  vismaBusinessGroup: string | null,
): SeedProduct {
  return { code, name, unit, unitPrice, vatRatePercent, vismaBusinessGroup };
}
