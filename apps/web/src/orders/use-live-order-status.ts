import { useSubscription } from 'urql';
import type { OrderStatus } from '../generated/graphql';
import { OrderStatusChangedSubscription } from './orders.documents';

export interface LiveOrderStatus {
  /** The latest status the gateway pushed, or null before the first event. */
  status: OrderStatus | null;
  changedAt: string | null;
  /** Why live updates stopped working, or null while they work. */
  failure: string | null;
}

/**
 * The order's status as the gateway pushes it over graphql-ws (`orderStatusChanged`): the status now, then
 * every change until the order is delivered or cancelled.
 */
export function useLiveOrderStatus(orderId: string, paused: boolean): LiveOrderStatus {
  const [{ data, error }] = useSubscription({
    query: OrderStatusChangedSubscription,
    variables: { orderId },
    pause: paused,
  });
  const event = data?.orderStatusChanged;
  return {
    status: event?.status ?? null,
    changedAt: event?.changedAt ?? null,
    failure: error ? (error.networkError?.message ?? error.graphQLErrors[0]?.message ?? error.message) : null,
  };
}
