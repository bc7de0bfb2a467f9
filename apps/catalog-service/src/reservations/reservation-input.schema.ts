import { isUuid, parseInput } from '@triad/platform';
import { z } from 'zod';
import { INVALID_INPUT } from '../catalog.errors.js';

export interface ReservationLine {
  productId: string;
  quantity: number;
}

export interface ReservationRequest {
  reservationId: string;
  lines: readonly ReservationLine[];
}

/** At most this many lines per reservation: more than any cart, few enough to lock in one transaction. */
export const MAX_RESERVATION_LINES = 100;

const reservationId = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1 to 128 printable characters without spaces, such as the order id' });

// Keyed by the .proto field names, so each violation names the field as the contract spells it.
const reserveInput = z.object({
  reservation_id: reservationId,
  lines: z
    .array(
      z.object({
        product_id: z
          .string()
          .refine(isUuid, { error: 'must be a product id (a UUID)' })
          .transform((id) => id.toLowerCase()),
        quantity: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
      }),
    )
    .min(1, { error: 'must hold at least one line' })
    .max(MAX_RESERVATION_LINES, { error: `must hold at most ${MAX_RESERVATION_LINES} lines` })
    .refine((lines) => new Set(lines.map((line) => line.product_id)).size === lines.length, {
      error: 'must name each product once: add the quantities of repeated products together',
    }),
});

const releaseInput = z.object({ reservation_id: reservationId });

/**
 * Validates a reservation and sorts its lines by product id. That order is the order the products are locked
 * in, so two reservations that share products never wait for each other in a cycle (no deadlocks).
 */
export function parseReservation(request: ReservationRequest): { reservationId: string; lines: ReservationLine[] } {
  const input = parseInput(
    reserveInput,
    {
      reservation_id: request.reservationId,
      lines: request.lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
    },
    INVALID_INPUT,
  );
  const lines = input.lines.map((line) => ({ productId: line.product_id, quantity: line.quantity }));
  return { reservationId: input.reservation_id, lines: lines.sort(byProductId) };
}

/** Lower-case UUIDs compare as strings in the order PostgreSQL sorts the uuid type (not localeCompare). */
export function byProductId(a: ReservationLine, b: ReservationLine): number {
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}

export function parseReservationId(id: string): string {
  return parseInput(releaseInput, { reservation_id: id }, INVALID_INPUT).reservation_id;
}
