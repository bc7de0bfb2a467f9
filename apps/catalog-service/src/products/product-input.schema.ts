import { multiLineText, parseInput, requireUuid, singleLineText } from '@triad/platform';
import { z } from 'zod';
import { INVALID_INPUT } from '../catalog.errors.js';

/** A price as a client sends it: the proto's int64 arrives as a decimal string, GraphQL's Int as a number. */
export interface PriceRequest {
  amountMinor: string | number | bigint;
  currencyCode: string;
}

/** The fields of a product a client may set. */
export interface ProductFieldsRequest {
  sku: string;
  name: string;
  description?: string | undefined;
  price?: PriceRequest | null | undefined;
  stockOnHand: number;
}

export interface Price {
  amountMinor: bigint;
  currencyCode: string;
}

export interface ProductFields {
  sku: string;
  name: string;
  description: string;
  price: Price;
  stockOnHand: number;
}

/** The most units of one product on hand: the stock column is a 32-bit integer. */
export const MAX_STOCK_ON_HAND = 2_147_483_647;

/** The highest price in minor units (21,474,836.47 dollars): every price fits GraphQL's 32-bit Int. */
export const MAX_PRICE_MINOR = 2_147_483_647n;

// Keyed by the .proto field names, so each violation names the field as the contract spells it
// (`stock_on_hand`, `price.amount_minor`); the messages are shown to the person filling in the form.
const productFields = z.object({
  sku: singleLineText()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, { error: 'must be 1 to 64 letters, digits, ".", "_" or "-", such as MUG-001' }),
  name: singleLineText().trim().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }),
  description: multiLineText().trim().max(5000, { error: 'must be at most 5000 characters' }),
  price: z.object(
    {
      amount_minor: z.coerce
        .bigint({ error: 'must be a whole number of minor units, such as 1999 for 19.99' })
        .min(0n, { error: 'must be 0 or more' })
        .max(MAX_PRICE_MINOR, { error: `must be at most ${MAX_PRICE_MINOR} minor units` }),
      currency_code: singleLineText()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter ISO 4217 code such as USD' }),
    },
    { error: 'is required: set amount_minor and currency_code' },
  ),
  stock_on_hand: z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .max(MAX_STOCK_ON_HAND, { error: `must be at most ${MAX_STOCK_ON_HAND}` }),
});

type ContractFields = z.output<typeof productFields>;

/** Validates and normalises a new product: SKU and currency upper-cased, text trimmed. */
export function parseNewProduct(request: ProductFieldsRequest): ProductFields {
  const input = parseInput(productFields, contractFields({ ...request, description: request.description ?? '' }), INVALID_INPUT);
  return fromContractFields(input) as ProductFields;
}

/** Validates the fields an update sets; the fields it leaves out stay absent. */
export function parseProductChanges(request: Partial<ProductFieldsRequest>): Partial<ProductFields> {
  return fromContractFields(parseInput(productFields.partial(), contractFields(request), INVALID_INPUT));
}

/** Checks a product id before it reaches SQL. */
export function requireProductId(id: string, field = 'id'): string {
  return requireUuid(id, field, INVALID_INPUT, 'a product id');
}

function contractFields(request: Partial<ProductFieldsRequest>) {
  return {
    sku: request.sku,
    name: request.name,
    description: request.description,
    price: request.price ? { amount_minor: request.price.amountMinor, currency_code: request.price.currencyCode } : undefined,
    stock_on_hand: request.stockOnHand,
  };
}

function fromContractFields(input: Partial<ContractFields>): Partial<ProductFields> {
  const { price, stock_on_hand: stockOnHand, ...text } = input;
  return {
    ...Object.fromEntries(Object.entries(text).filter(([, value]) => value !== undefined)),
    ...(price === undefined ? {} : { price: { amountMinor: price.amount_minor, currencyCode: price.currency_code } }),
    ...(stockOnHand === undefined ? {} : { stockOnHand }),
  };
}
