import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { observeGauge, type DomainError } from '@triad/platform';
import { CatalogErrors } from '../catalog.errors.js';
import { ProductCache } from '../products/product-cache.service.js';
import { parseReservation, parseReservationId, type ReservationLine, type ReservationRequest } from './reservation-input.schema.js';
import { ReservationsRepository, type ReservationsTransaction, type StoredReservation } from './reservations.repository.js';

export interface ReservationView {
  id: string;
  status: 'reserved' | 'released';
  lines: ReservationLine[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Stock reservations, idempotent by the client-chosen reservation id: each call runs in one transaction, and
 * repeating it returns the same reservation and moves no more stock.
 *
 * Neither method checks a user: orders-service reserves on a customer's behalf but also releases from a
 * background job with no user token. Who may call them is settled at the gRPC controller, which takes only a
 * service token with the stock scope (`@ServiceOnly`); no edge exposes these calls.
 */
@Injectable()
export class ReservationsService implements OnApplicationBootstrap {
  constructor(
    private readonly repository: ReservationsRepository,
    private readonly cache: ProductCache,
  ) {}

  onApplicationBootstrap(): void {
    observeGauge('catalog', 'triad.stock_reservations.held', 'Stock reservations holding stock now.', () => this.repository.countHeld());
  }

  /**
   * Holds stock for every line or for none. The reservation id is claimed before any stock moves, so two
   * concurrent calls with one id reserve once. Fails with CATALOG.OUT_OF_STOCK naming the first product
   * short of stock, CATALOG.RESERVATION_ID_REUSED for an id already used with other lines, and
   * CATALOG.RESERVATION_RELEASED for an id that was released (see `releaseStock`).
   */
  async reserveStock(request: ReservationRequest): Promise<ReservationView> {
    const { reservationId, lines } = parseReservation(request);
    const reservation = await this.repository.transaction(async (tx) => {
      const now = new Date();
      const claimed = await tx.claim(reservationId, 'reserved', now);
      if (!claimed) return sameReservation(await tx.findForUpdate(reservationId), lines);
      // Lines are sorted by product id, so every transaction locks products in one order and none deadlock.
      // Each UPDATE takes stock only if enough is on hand; throwing rolls back the lines already taken.
      for (const line of lines) {
        if (!(await tx.takeStock(line.productId, line.quantity, now))) throw await shortage(tx, line);
      }
      await tx.addLines(reservationId, lines);
      return toView({ ...claimed, lines });
    });
    // The stock on hand changed: a product read right after shows it.
    await this.cache.forget(reservation.lines.map((line) => line.productId));
    return reservation;
  }

  /**
   * Returns a reservation's stock and marks it released; releasing it again changes nothing. An id that was
   * never reserved is recorded as released with no lines, a tombstone: when the ReserveStock it was meant
   * to undo arrives late (retried, or delayed after the caller gave up and compensated), it finds the
   * tombstone and fails with CATALOG.RESERVATION_RELEASED instead of holding stock for an order that will
   * never exist. That is what makes orders-service's compensation safe in whichever order the calls land.
   */
  async releaseStock(request: { reservationId: string }): Promise<ReservationView> {
    const reservationId = parseReservationId(request.reservationId);
    const released = await this.repository.transaction(async (tx) => {
      const now = new Date();
      const tombstone = await tx.claim(reservationId, 'released', now);
      if (tombstone) return toView({ ...tombstone, lines: [] });
      const reservation = existing(await tx.findForUpdate(reservationId));
      if (reservation.status === 'released') return toView(reservation);
      for (const line of reservation.lines) await tx.returnStock(line.productId, line.quantity, now);
      return toView({ ...(await tx.markReleased(reservationId, now)), lines: reservation.lines });
    });
    await this.cache.forget(released.lines.map((line) => line.productId));
    return released;
  }
}

/** A repeated ReserveStock: the same lines get the stored reservation back, anything else an error. */
function sameReservation(stored: StoredReservation | undefined, lines: readonly ReservationLine[]): ReservationView {
  const reservation = existing(stored);
  if (reservation.status === 'released') throw CatalogErrors.reservationReleased(reservation.id);
  const same =
    reservation.lines.length === lines.length &&
    reservation.lines.every((line, index) => line.productId === lines[index]?.productId && line.quantity === lines[index]?.quantity);
  if (!same) throw CatalogErrors.reservationIdReused(reservation.id);
  return toView(reservation);
}

/** Why a line could not be covered: the product is missing, or short of stock. */
async function shortage(tx: ReservationsTransaction, line: ReservationLine): Promise<DomainError> {
  const product = await tx.findProduct(line.productId);
  return product ? CatalogErrors.outOfStock(product, line.quantity) : CatalogErrors.productNotFound(line.productId);
}

/** Reservations are never deleted, so an id whose claim conflicted is always found. */
function existing(reservation: StoredReservation | undefined): StoredReservation {
  if (!reservation) throw new Error('a claimed reservation id has no row');
  return reservation;
}

function toView(reservation: StoredReservation): ReservationView {
  return {
    id: reservation.id,
    status: reservation.status,
    lines: reservation.lines,
    createdAt: reservation.createdAt,
    updatedAt: reservation.updatedAt,
  };
}
