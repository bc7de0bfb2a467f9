import { status } from '@grpc/grpc-js';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientGrpcProxy, GrpcMethod, GrpcStreamMethod, type ClientGrpc } from '@nestjs/microservices';
import {
  CATALOG_SERVICE_NAME,
  ReservationStatus,
  TRIAD_CATALOG_V1_PACKAGE_NAME,
  type CatalogServiceClient,
  type GetProductRequest,
  type GetProductResponse,
  type ReserveStockRequest,
  type ReserveStockResponse,
  type UpdateProductRequest,
  type UpdateProductResponse,
} from '@triad/contracts/catalog/v1';
import {
  ORDERS_SERVICE_NAME,
  TRIAD_ORDERS_V1_PACKAGE_NAME,
  type OrdersServiceClient,
  type QuoteCartRequest,
  type QuoteCartResponse,
} from '@triad/contracts/orders/v1';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, from, map, toArray, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { fromGrpcError } from '../errors/grpc-errors.js';
import { createLogger, LOGGER } from '../logging/logger.js';
import { GrpcController } from './grpc-controller.decorator.js';
import { grpcClientOptions } from './grpc-client.js';
import { GrpcServerControl, grpcServerOptions } from './grpc-server.js';
import { fromTimestamp, toTimestamp } from './timestamp.js';

const MOON_LANDING = new Date('1969-07-20T20:17:40.123Z');
const BEYOND_DOUBLE_PRECISION = '9007199254740993'; // 2^53 + 1: a JavaScript number would round it
const received: { updateProduct?: UpdateProductRequest; calls: Record<string, number> } = { calls: {} };

/** Handlers that answer with the values each test checks, as the real services would build them. */
@GrpcController()
class CatalogTestController {
  @GrpcMethod(CATALOG_SERVICE_NAME, 'GetProduct')
  getProduct(request: GetProductRequest): GetProductResponse {
    received.calls[request.id] = (received.calls[request.id] ?? 0) + 1;
    if (request.id === 'flaky' && received.calls[request.id] === 1) throw new DomainError('UNAVAILABLE', 'TEST.FLAKY', 'try again');
    if (request.id === 'missing') throw DomainError.notFound('CATALOG.PRODUCT_NOT_FOUND', 'No product has the id missing.');
    if (request.id === 'bug') throw new Error('relation "products" does not exist at character 15');
    return {
      product: {
        id: request.id,
        sku: 'SKU-1',
        name: 'Lunar module',
        description: '',
        price: { amountMinor: BEYOND_DOUBLE_PRECISION, currencyCode: 'USD' },
        stockOnHand: 3,
        createTime: toTimestamp(MOON_LANDING),
        updateTime: toTimestamp(new Date('2026-01-02T03:04:05.678Z')),
      },
    };
  }

  @GrpcMethod(CATALOG_SERVICE_NAME, 'UpdateProduct')
  updateProduct(request: UpdateProductRequest): UpdateProductResponse {
    received.updateProduct = request;
    received.calls['update'] = (received.calls['update'] ?? 0) + 1;
    if (request.name === 'flaky') throw new DomainError('UNAVAILABLE', 'TEST.FLAKY', 'try again');
    if (request.name === '') {
      throw DomainError.invalidArgument('CATALOG.INVALID_INPUT', [{ field: 'name', description: 'must not be empty' }]);
    }
    return { product: undefined };
  }

  @GrpcMethod(CATALOG_SERVICE_NAME, 'ReserveStock')
  reserveStock(request: ReserveStockRequest): ReserveStockResponse {
    return {
      reservation: {
        id: request.reservationId,
        lines: request.lines,
        status: ReservationStatus.RESERVATION_STATUS_RESERVED,
        createTime: undefined,
        updateTime: undefined,
      },
    };
  }
}

@Controller()
class OrdersTestController {
  /** Answers each cart edit with a cart whose one line names the oneof member that arrived. */
  @GrpcStreamMethod(ORDERS_SERVICE_NAME, 'QuoteCart')
  quoteCart(edits: Observable<QuoteCartRequest>): Observable<QuoteCartResponse> {
    return edits.pipe(
      map((edit) => {
        const member = edit.setLine
          ? `set:${edit.setLine.productId}x${edit.setLine.quantity}`
          : edit.removeLine
            ? `remove:${edit.removeLine.productId}`
            : edit.clear
              ? 'clear'
              : 'none';
        return {
          lines: [{ productId: member, quantity: 0, unitPrice: undefined, lineTotal: undefined, availability: 0 as never }],
          subtotal: undefined,
        };
      }),
    );
  }
}

@Module({
  controllers: [CatalogTestController, OrdersTestController],
  providers: [{ provide: LOGGER, useValue: createLogger('test', 'silent') }],
})
class ContractsTestModule {}

describe('gRPC contracts through a real grpc-js server and client', () => {
  let server: INestMicroservice;
  let catalog: CatalogServiceClient;
  let orders: OrdersServiceClient;
  let client: ClientGrpcProxy;
  let slowClient: ClientGrpcProxy;

  beforeAll(async () => {
    // A Unix socket keeps this in-process pair off the network and free of port races.
    const address = `unix://${join(mkdtempSync(join(tmpdir(), 'triad-grpc-')), 'grpc.sock')}`;
    const control = new GrpcServerControl([`${TRIAD_CATALOG_V1_PACKAGE_NAME}.CatalogService`]);
    server = await NestFactory.createMicroservice(ContractsTestModule, {
      ...grpcServerOptions(control, [TRIAD_CATALOG_V1_PACKAGE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME], address, 60_000),
      logger: false,
    });
    await server.listen();
    const clientFor = (pkg: string, deadlineMs: number) =>
      new ClientGrpcProxy(grpcClientOptions({ name: pkg, package: pkg, address, deadlineMs }).options as never);
    client = clientFor(TRIAD_CATALOG_V1_PACKAGE_NAME, 5_000);
    catalog = (client as ClientGrpc).getService<CatalogServiceClient>(CATALOG_SERVICE_NAME);
    orders = (clientFor(TRIAD_ORDERS_V1_PACKAGE_NAME, 5_000) as ClientGrpc).getService<OrdersServiceClient>(ORDERS_SERVICE_NAME);
    slowClient = clientFor(TRIAD_CATALOG_V1_PACKAGE_NAME, 1);
  });

  afterAll(async () => {
    client.close();
    slowClient.close();
    await server.close();
  });

  it('carries Timestamps as Dates to the millisecond, before 1970 too', async () => {
    const { product } = await firstValueFrom(catalog.getProduct({ id: 'p1' }));
    expect(fromTimestamp(product?.createTime)).toEqual(MOON_LANDING);
    expect(fromTimestamp(product?.updateTime)).toEqual(new Date('2026-01-02T03:04:05.678Z'));
  });

  it('carries int64 as exact decimal strings', async () => {
    const { product } = await firstValueFrom(catalog.getProduct({ id: 'p1' }));
    expect(product?.price).toEqual({ amountMinor: BEYOND_DOUBLE_PRECISION, currencyCode: 'USD' });
  });

  it('tells a proto3 optional field that was left out from one set to its zero value', async () => {
    await firstValueFrom(catalog.updateProduct({ id: 'p1', name: 'Renamed', stockOnHand: 0 }));
    expect(received.updateProduct).toMatchObject({ id: 'p1', name: 'Renamed', stockOnHand: 0 });
    expect(received.updateProduct).not.toHaveProperty('sku');
    expect(received.updateProduct).not.toHaveProperty('price');
  });

  it('carries enums as their value names', async () => {
    const { reservation } = await firstValueFrom(catalog.reserveStock({ reservationId: 'r1', lines: [{ productId: 'p1', quantity: 2 }] }));
    expect(reservation).toMatchObject({ id: 'r1', status: 'RESERVATION_STATUS_RESERVED', lines: [{ productId: 'p1', quantity: 2 }] });
  });

  it('carries each oneof member of a bidirectional stream', async () => {
    const edits: QuoteCartRequest[] = [{ setLine: { productId: 'p1', quantity: 2 } }, { removeLine: { productId: 'p1' } }, { clear: {} }];
    const answers = await firstValueFrom(orders.quoteCart(from(edits)).pipe(toArray()));
    expect(answers.map((answer) => answer.lines[0]?.productId)).toEqual(['set:p1x2', 'remove:p1', 'clear']);
  });

  it('delivers a domain error with its status, code and field violations', async () => {
    const notFound = await firstValueFrom(catalog.getProduct({ id: 'missing' })).catch((error: unknown) => error);
    expect(notFound).toMatchObject({ code: status.NOT_FOUND });
    expect(fromGrpcError(notFound)).toMatchObject({
      kind: 'NOT_FOUND',
      code: 'CATALOG.PRODUCT_NOT_FOUND',
      message: 'No product has the id missing.',
    });

    const invalid = await firstValueFrom(catalog.updateProduct({ id: 'p1', name: '' })).catch((error: unknown) => error);
    expect(fromGrpcError(invalid)).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      code: 'CATALOG.INVALID_INPUT',
      fieldViolations: [{ field: 'name', description: 'must not be empty' }],
    });
  });

  it('answers an unexpected failure with INTERNAL and none of its text', async () => {
    const error = await firstValueFrom(catalog.getProduct({ id: 'bug' })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: status.INTERNAL });
    expect(JSON.stringify(error)).not.toContain('relation');
    expect(fromGrpcError(error)).toMatchObject({ kind: 'INTERNAL', code: 'INTERNAL' });
  });

  it('gives every call a deadline', async () => {
    const error = await firstValueFrom(
      (slowClient as ClientGrpc).getService<CatalogServiceClient>(CATALOG_SERVICE_NAME).getProduct({ id: 'p1' }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: status.DEADLINE_EXCEEDED });
  });

  it('retries an RPC the contract marks as free of side effects', async () => {
    const { product } = await firstValueFrom(catalog.getProduct({ id: 'flaky' }));
    expect(product?.id).toBe('flaky');
    expect(received.calls['flaky']).toBe(2);
  });

  it('never retries an RPC that may have side effects', async () => {
    const before = received.calls['update'] ?? 0;
    const error = await firstValueFrom(catalog.updateProduct({ id: 'p1', name: 'flaky' })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: status.UNAVAILABLE });
    expect(received.calls['update']).toBe(before + 1);
  });
});
