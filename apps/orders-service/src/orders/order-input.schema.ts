import { isUuid } from '@triad/platform';
import { z } from 'zod';

const productId = z
  .string()
  .refine(isUuid, { error: 'must be a product id (a UUID)' })
  .transform((id) => id.toLowerCase());

/** A placement request as a client sends it; each message says what to fix. */
export const placeOrderInput = z.object({
  idempotencyKey: z
    .string()
    .trim()
    .min(1, { error: 'must be set: a key you choose per order, reused only to retry that order' })
    .max(128, { error: 'must be at most 128 characters' }),
  userId: z
    .string()
    .refine(isUuid, { error: 'must be a user id (a UUID)' })
    .transform((id) => id.toLowerCase()),
  lines: z
    .array(
      z.object({
        productId,
        quantity: z.number().int().min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }),
      }),
    )
    .min(1, { error: 'must list at least one product' })
    .max(50, { error: 'must list at most 50 products' })
    .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, {
      error: 'must list each product once; put the whole quantity on one line',
    }),
});
export type PlaceOrderInput = z.infer<typeof placeOrderInput>;

/** One edit of a cart being quoted. */
export const cartLineInput = z.object({
  productId,
  quantity: z.number().int().min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }),
});
