import { describe, expect, it } from 'vitest';
import { canMove, isFinal, nextFulfilmentStatus, statusesBefore, type OrderStatus } from './order.js';

const STATUSES: OrderStatus[] = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled'];

/** The lifecycle as the API documents it; every pair not listed here is refused. */
const ALLOWED: [OrderStatus, OrderStatus][] = [
  ['pending', 'confirmed'],
  ['pending', 'cancelled'],
  ['confirmed', 'shipped'],
  ['confirmed', 'cancelled'],
  ['shipped', 'delivered'],
];

const isAllowed = (from: OrderStatus, to: OrderStatus) => ALLOWED.some(([a, b]) => a === from && b === to);
const everyPair = STATUSES.flatMap((from) => STATUSES.map((to): [OrderStatus, OrderStatus] => [from, to]));
const REFUSED = everyPair.filter(([from, to]) => !isAllowed(from, to));

describe('order status transitions', () => {
  it.each(ALLOWED)('lets a %s order become %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each(REFUSED)('refuses to let a %s order become %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });
});

describe('statusesBefore', () => {
  it.each([
    ['pending', []],
    ['confirmed', ['pending']],
    ['shipped', ['confirmed']],
    ['delivered', ['shipped']],
    ['cancelled', ['pending', 'confirmed']],
  ] as [OrderStatus, OrderStatus[]][])('names the statuses a %s order can come from', (to, from) => {
    expect(statusesBefore(to)).toEqual(from);
  });
});

describe('isFinal', () => {
  it.each([
    ['pending', false],
    ['confirmed', false],
    ['shipped', false],
    ['delivered', true],
    ['cancelled', true],
  ] as [OrderStatus, boolean][])('says whether a %s order can still change (%s)', (status, final) => {
    expect(isFinal(status)).toBe(final);
  });
});

describe('nextFulfilmentStatus', () => {
  it.each([
    ['pending', 'confirmed'],
    ['confirmed', 'shipped'],
    ['shipped', 'delivered'],
    ['delivered', undefined],
    ['cancelled', undefined],
  ] as [OrderStatus, OrderStatus | undefined][])('moves a %s order on to %s, never to cancelled', (status, next) => {
    expect(nextFulfilmentStatus(status)).toBe(next);
  });

  it('walks a new order through the whole lifecycle to a final status', () => {
    const walked: OrderStatus[] = ['pending'];
    for (let next = nextFulfilmentStatus('pending'); next; next = nextFulfilmentStatus(next)) walked.push(next);
    expect(walked).toEqual(['pending', 'confirmed', 'shipped', 'delivered']);
    expect(isFinal(walked.at(-1)!)).toBe(true);
  });
});
