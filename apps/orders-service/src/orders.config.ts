import { env } from '@triad/platform';

/**
 * What orders-service reads from the environment beside the service shell's settings (which include where
 * users-service and catalog-service listen, and the deadline of each call to them).
 */
export const ordersSettings = {
  /** Advances orders through the lifecycle on its own, for the demo. */
  FULFILMENT_SIMULATOR: env.boolean(false),
  FULFILMENT_STEP_MS: env.duration(5_000),
};
