import { Command, InvalidArgumentError, Option } from 'commander';
import {
  checkKid,
  InvalidKidPayloadError,
  KID_ALGORITHMS,
  KID_MAX_LENGTH,
  KID_MIN_LENGTH,
  KidAlgorithm,
  KidCheckResult,
  MOD11_DASH,
} from '../domain/kid';
import {
  checkInvoiceKid,
  InvalidKidLayoutError,
  KidLayout,
  makeLayoutKid,
  MAX_CUSTOMER_DIGITS,
  MAX_INVOICE_DIGITS,
} from '../domain/kid-layout';

/** Exit status of `kid check` for a KID that is not valid. */
export const EXIT_INVALID_KID = 1;

interface LayoutOptions {
  algorithm: KidAlgorithm;
  invoiceDigits?: number;
  customerDigits?: number;
}

/**
 * Registers `kid make` and `kid check`, which build and check the KID printed on an invoice, for support staff
 * answering a question about a payment reference. Exit status: 0 valid, 1 invalid KID, 2 usage error.
 */
export function registerKidCommand(program: Command): void {
  const kid = program.command('kid').description('Build or check a KID, the payment reference on an invoice.');

  withLayoutOptions(
    kid
      .command('make')
      .description('Print the KID of an invoice: invoice number, customer number and check digit.')
      .requiredOption('--invoice <number>', 'invoice number, digits only', parseDigits)
      .requiredOption('--customer <number>', 'customer number, digits only', parseDigits),
  ).action(function (this: Command, options: LayoutOptions & { invoice: string; customer: string }) {
    try {
      console.log(makeLayoutKid(layoutOf(options), options.invoice, options.customer));
    } catch (error) {
      if (error instanceof InvalidKidPayloadError || error instanceof InvalidKidLayoutError) {
        this.error(`error: ${error.message}`);
      }
      throw error;
    }
  });

  withLayoutOptions(
    kid
      .command('check')
      .description(
        'Check a KID and print whether it is valid; if not, print the expected check digit. ' +
          'With --invoice and --customer, also check that it is the KID of that invoice.',
      )
      .argument('<kid>', 'KID to check; spaces in it are ignored')
      .option('--invoice <number>', 'invoice number the KID should belong to', parseDigits)
      .option('--customer <number>', 'customer number the KID should belong to', parseDigits),
  ).action(function (this: Command, kidText: string, options: LayoutOptions & { invoice?: string; customer?: string }) {
    if ((options.invoice === undefined) !== (options.customer === undefined)) {
      this.error('error: --invoice and --customer must be given together');
    }
    if (
      options.invoice === undefined &&
      (options.invoiceDigits !== undefined || options.customerDigits !== undefined)
    ) {
      this.error('error: --invoice-digits and --customer-digits apply only with --invoice and --customer');
    }

    const kidValue = kidText.replace(/\s+/g, '');
    const layout = layoutOf(options);
    let result: KidCheckResult;
    let owner: KidOwner | null = null;
    try {
      if (options.invoice === undefined || options.customer === undefined) {
        result = checkKid(kidValue, layout.algorithm);
      } else {
        const { invoice, customer } = options;
        owner = { invoice, customer, kid: makeLayoutKid(layout, invoice, customer) };
        result = checkInvoiceKid(kidValue, layout, invoice, customer);
      }
    } catch (error) {
      if (error instanceof InvalidKidPayloadError || error instanceof InvalidKidLayoutError) {
        this.error(`error: ${error.message}`);
      }
      throw error;
    }

    console.log(describeResult(kidValue, layout.algorithm, result, owner));
    process.exitCode = result.kind === 'valid' ? 0 : EXIT_INVALID_KID;
  });
}

function withLayoutOptions(command: Command): Command {
  return command
    .addOption(new Option('--algorithm <name>', 'check digit algorithm').choices(KID_ALGORITHMS).default('mod10'))
    .option(
      '--invoice-digits <count>',
      `fixed width of the invoice number part, 1 to ${MAX_INVOICE_DIGITS} digits (zero-padded, rightmost kept)`,
      parseWidth(MAX_INVOICE_DIGITS),
    )
    .option(
      '--customer-digits <count>',
      `fixed width of the customer number part, 1 to ${MAX_CUSTOMER_DIGITS} digits (zero-padded, rightmost kept)`,
      parseWidth(MAX_CUSTOMER_DIGITS),
    );
}

function layoutOf(options: LayoutOptions): KidLayout {
  return {
    algorithm: options.algorithm,
    invoiceDigits: options.invoiceDigits ?? null,
    customerDigits: options.customerDigits ?? null,
  };
}

/** The invoice and customer a checked KID should belong to, with the KID the layout builds for them. */
interface KidOwner {
  invoice: string;
  customer: string;
  kid: string;
}

function describeResult(kid: string, algorithm: KidAlgorithm, result: KidCheckResult, owner: KidOwner | null): string {
  const name = algorithm.toUpperCase();
  const ownerKid =
    owner === null ? '' : `; the KID of invoice ${owner.invoice} for customer ${owner.customer} is ${owner.kid}`;
  switch (result.kind) {
    case 'valid':
      return owner === null
        ? `valid: ${kid} is a valid ${name} KID`
        : `valid: ${kid} is the ${name} KID of invoice ${owner.invoice} for customer ${owner.customer}`;
    case 'wrong-check-digit':
      return owner === null
        ? `invalid: ${kid} has check digit ${result.actual}, but ${name} expects ${result.expected}; ` +
            `the valid KID with these digits is ${result.expectedKid}`
        : `invalid: ${kid} has check digit ${result.actual}, but ${name} expects ${result.expected} for these ` +
            `digits${ownerKid}`;
    case 'wrong-length': {
      const characters = result.length === 1 ? 'character' : 'characters';
      return (
        `invalid: ${kid} has ${result.length} ${characters}, but a KID has ${KID_MIN_LENGTH} to ${KID_MAX_LENGTH}` +
        ownerKid
      );
    }
    case 'not-digits':
      return `invalid: ${describeNotDigits(kid, algorithm)}${ownerKid}`;
    case 'layout-mismatch':
      return (
        `invalid: ${kid} is a valid ${name} KID, but the KID of invoice ${owner?.invoice} for customer ` +
        `${owner?.customer} is ${result.expectedKid}`
      );
  }
}

function describeNotDigits(kid: string, algorithm: KidAlgorithm): string {
  if (algorithm === 'mod11') {
    return `${JSON.stringify(kid)} must be digits 0-9, with '-' allowed only as the MOD11 check digit`;
  }
  if (new RegExp(`^\\d+${MOD11_DASH}$`).test(kid)) {
    return (
      `${JSON.stringify(kid)} must be digits 0-9 for MOD10; a KID ending in '${MOD11_DASH}' may be a MOD11 KID, ` +
      'so check it with --algorithm mod11'
    );
  }
  return `${JSON.stringify(kid)} must be digits 0-9`;
}

function parseDigits(value: string): string {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError('expected digits 0-9 only.');
  }
  return value;
}

function parseWidth(max: number): (value: string) => number {
  return (value) => {
    const width = Number(value);
    if (!/^\d+$/.test(value) || width < 1 || width > max) {
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}.`);
    }
    return width;
  };
}
