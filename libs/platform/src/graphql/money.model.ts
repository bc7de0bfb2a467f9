import { Directive, Field, Int, ObjectType } from '@nestjs/graphql';

/**
 * An amount of money, exact: minor units (cents) and an ISO 4217 currency. Shared by the catalog and orders
 * subgraphs, hence `@shareable`. GraphQL's Int is 32-bit, which holds any price or order total up to
 * 21 million in major units; amounts beyond that would need a string or a custom scalar.
 */
@ObjectType('Money', { description: 'An exact amount of money: minor units (cents) and an ISO 4217 currency code.' })
@Directive('@shareable')
export class MoneyModel {
  @Field(() => Int, { description: 'The amount in minor units, e.g. 1999 for 19.99.' })
  amountMinor!: number;

  @Field({ description: 'ISO 4217 currency code, e.g. USD.' })
  currencyCode!: string;

  /** From an amount as the services carry it (int64 as bigint or decimal string). */
  static of(amountMinor: bigint | string, currencyCode: string): MoneyModel {
    const amount = BigInt(amountMinor);
    if (amount > 2_147_483_647n || amount < -2_147_483_648n) throw new RangeError(`${amount} minor units do not fit GraphQL's Int`);
    return { amountMinor: Number(amount), currencyCode };
  }
}
