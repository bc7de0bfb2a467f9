import { isUuid, parseInput, singleLineText } from '@triad/platform';
import { OrdersErrors } from './orders.errors.js';
import { z } from 'zod';

const productId = z
  .string()
  .refine(isUuid, { error: 'must be a product id (a UUID)' })
  .transform((id) => id.toLowerCase());

/** The most products one order (and one quoted cart) may hold. */
export const MAX_ORDER_LINES = 50;

/**
 * A placement request, keyed by the proto field names so violations name the fields a gRPC client sent
 * (`lines[0].product_id`); each message says what to fix.
 */
export const placeOrderInput = z.object({
  idempotency_key: singleLineText()
    .trim()
    .min(1, { error: 'must be set: a key you choose per order, reused only to retry that order' })
    .max(128, { error: 'must be at most 128 characters' }),
  user_id: z
    .string()
    .refine(isUuid, { error: 'must be a user id (a UUID)' })
    .transform((id) => id.toLowerCase()),
  lines: z
    .array(
      z.object({
        product_id: productId,
        quantity: z.number().int().min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }),
      }),
    )
    .min(1, { error: 'must list at least one product' })
    .max(MAX_ORDER_LINES, { error: `must list at most ${MAX_ORDER_LINES} products` })
    .refine((lines) => new Set(lines.map((line) => line.product_id)).size === lines.length, {
      error: 'must list each product once; put the whole quantity on one line',
    }),
});

/** One edit of a cart being quoted. */
export const cartLineInput = z.object({
  product_id: productId,
  quantity: z.number().int().min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }),
});

const INVALID_INPUT = OrdersErrors.INVALID_INPUT;

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface PlaceOrderInput {
  idempotencyKey: string;
  userId: string;
  lines: OrderLine[];
}

/** Validates a placement request (violations in proto field names) and returns it normalised. */
export function parsePlaceOrder(request: PlaceOrderInput): PlaceOrderInput {
  const input = parseInput(
    placeOrderInput,
    { idempotency_key: request.idempotencyKey, user_id: request.userId, lines: request.lines.map(toWireLine) },
    INVALID_INPUT,
  );
  return { idempotencyKey: input.idempotency_key, userId: input.user_id, lines: input.lines.map(fromWireLine) };
}

/** Validates one cart line (violations in proto field names). */
export function parseCartLine(line: OrderLine): OrderLine {
  return fromWireLine(parseInput(cartLineInput, toWireLine(line), INVALID_INPUT));
}

/** Validates the product id of a cart line to remove. */
export function parseCartProductId(productId: string): string {
  return parseInput(cartLineInput.pick({ product_id: true }), { product_id: productId }, INVALID_INPUT).product_id;
}

function toWireLine(line: OrderLine) {
  return { product_id: line.productId, quantity: line.quantity };
}

function fromWireLine(line: { product_id: string; quantity: number }): OrderLine {
  return { productId: line.product_id, quantity: line.quantity };
}
