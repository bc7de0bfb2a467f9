import { DomainError } from '@triad/platform';

/** The code of every validation failure in catalog-service; the field violations say what to fix. */
export const INVALID_INPUT = 'CATALOG.INVALID_INPUT';

/** The errors catalog-service raises on purpose; each code is stable and documented for clients. */
export const CatalogErrors = {
  productNotFound: (id: string) => DomainError.notFound('CATALOG.PRODUCT_NOT_FOUND', `No product has the id ${id}.`),
  skuTaken: (sku: string) =>
    new DomainError(
      'ALREADY_EXISTS',
      'CATALOG.SKU_TAKEN',
      `Another product already has the SKU ${sku}: choose a different SKU or update that product.`,
    ),
  outOfStock: (product: { sku: string; name: string; stockOnHand: number }, requested: number) =>
    new DomainError(
      'FAILED_PRECONDITION',
      'CATALOG.OUT_OF_STOCK',
      `Not enough stock of ${product.name} (${product.sku}): ${requested} requested, ${product.stockOnHand} available.`,
    ),
  reservationReleased: (id: string) =>
    new DomainError(
      'FAILED_PRECONDITION',
      'CATALOG.RESERVATION_RELEASED',
      `Reservation ${id} has been released, or was released before it was made: reserve under a new id.`,
    ),
  // ALREADY_EXISTS, as the contract says: the id names a reservation that exists, with other lines.
  reservationIdReused: (id: string) =>
    new DomainError(
      'ALREADY_EXISTS',
      'CATALOG.RESERVATION_ID_REUSED',
      `Reservation ${id} already exists with different lines: repeat it with the same lines, or reserve under a new id.`,
    ),
};
