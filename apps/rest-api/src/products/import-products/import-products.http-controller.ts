import { Controller, HttpCode, HttpException, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { CatalogServiceClient, ImportProductsRequest, ImportProductsResponse } from '@triad/contracts/catalog/v1';
import { DomainError, fromGrpcError } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import { catchError, firstValueFrom, from, merge, NEVER, Subject, throwError, timeout } from 'rxjs';
import { RequireCaller } from '../../auth/caller-auth.guard.js';
import { CATALOG_CLIENT } from '../../catalog/catalog-client.js';
import { ApiProblemResponses } from '../../problems/api-problem-responses.decorator.js';
import { REST_API_CONFIG, type RestApiConfig } from '../../rest-api.config.js';
import { CreateProductBody } from '../product-admin.dto.js';
import { ImportSummaryResource, toImportSummaryResource, type ImportRowErrorResource } from './import-products.dto.js';
import { NDJSON_MEDIA_TYPE, NdjsonBody, requireNdjsonBody } from './ndjson-body.js';
import { ndjsonLines } from './ndjson-lines.js';
import { productRows } from './product-rows.js';

const EXAMPLE_BODY =
  '{"sku": "MUG-BLUE-350", "name": "Blue mug", "price": {"amount_minor": 1299, "currency_code": "USD"}, "stock_on_hand": 12}\n' +
  '{"sku": "TEA-EARL-100", "name": "Earl Grey", "description": "Loose leaf.", ' +
  '"price": {"amount_minor": 650, "currency_code": "USD"}, "stock_on_hand": 40}\n';

/**
 * Bulk import over catalog-service's client-streaming ImportProducts. The body is read line by line and each
 * row is written to the call as soon as its line has arrived, so a large file is never held whole: rows are
 * being applied while the rest of the file is still on its way. Unlike a live view, nobody waits on an import
 * for good: the call has a deadline (`REST_IMPORT_DEADLINE_MS`), so a stuck one is cancelled at both ends.
 */
@ApiTags('products')
@Controller('v1')
@RequireCaller()
export class ImportProductsHttpController {
  private readonly limitBytes: number;
  private readonly deadlineMs: number;

  constructor(
    @Inject(CATALOG_CLIENT) private readonly catalog: CatalogServiceClient,
    @Inject(REST_API_CONFIG) config: RestApiConfig,
  ) {
    this.limitBytes = config.REST_IMPORT_LIMIT_BYTES;
    this.deadlineMs = config.REST_IMPORT_DEADLINE_MS;
  }

  // `/v1/products:import`, a custom method on the collection (Google AIP-136) like `/v1/orders/{id}:cancel`.
  // `::` is Fastify's escape for a literal colon; with no parameter before it there is nothing else to end.
  @Post('products::import')
  @HttpCode(200)
  @NdjsonBody()
  @ApiOperation({
    operationId: 'importProducts',
    summary: 'Create or update products in bulk (admins only)',
    description:
      'One product per line, each a JSON object with the fields of `createProduct`: a row with a new SKU creates a product, ' +
      'one with a known SKU replaces its fields. A row that cannot be read or applied is skipped and listed in `errors` ' +
      'with its line number; the others are applied, in order, as they arrive. The body may be as large as ' +
      '`REST_IMPORT_LIMIT_BYTES` (10 MiB unless configured), not the usual request limit. Past it the import stops with 413, ' +
      'and the rows before that point may already be applied: importing a row again only updates its product, so send ' +
      'the rest in smaller parts. The same goes for an import that takes longer than `REST_IMPORT_DEADLINE_MS` (90 seconds ' +
      'unless configured), which stops with 504.',
  })
  @ApiConsumes(NDJSON_MEDIA_TYPE)
  @ApiBody({
    description: 'Newline-delimited JSON. The schema describes one line.',
    schema: { $ref: getSchemaPath(CreateProductBody) },
    examples: { twoProducts: { summary: 'Two products', value: EXAMPLE_BODY } },
  })
  @ApiOkResponse({ type: ImportSummaryResource, description: 'What the import did, and the rows it skipped.' })
  @ApiProblemResponses(
    { status: 403, description: 'The caller is not an admin (`AUTH.PERMISSION_DENIED`).' },
    { status: 415, description: 'The body was not sent as `application/x-ndjson`.' },
  )
  async importProducts(@Req() request: FastifyRequest): Promise<ImportSummaryResource> {
    const body = requireNdjsonBody(request, this.limitBytes);
    const unread: ImportRowErrorResource[] = [];
    const summary = await this.streamRows(productRows(ndjsonLines(body, this.limitBytes), unread));
    return toImportSummaryResource(summary, unread);
  }

  /**
   * Calls ImportProducts with the rows as they are read. Nest's client would pass a failure of the rows to the
   * call as an 'error' event that nothing listens for, so when reading the body fails (413, a client gone) the
   * rows stop instead, and the failure, raised beside the call, cancels it: catalog-service applies no more.
   * The deadline works the same way: Nest's client takes no call options, so it cannot be a gRPC deadline.
   */
  private async streamRows(rows: AsyncIterable<ImportProductsRequest>): Promise<ImportProductsResponse> {
    const unreadable = new Subject<never>();
    const requests = from(rows).pipe(
      catchError((error: unknown) => {
        unreadable.error(error);
        return NEVER;
      }),
    );
    try {
      return await firstValueFrom(
        merge(this.catalog.importProducts(requests), unreadable).pipe(
          timeout({ first: this.deadlineMs, with: () => throwError(() => importTooSlow(this.deadlineMs)) }),
        ),
      );
    } catch (error) {
      throw error instanceof HttpException ? error : fromGrpcError(error, 'catalog-service');
    }
  }
}

function importTooSlow(deadlineMs: number): DomainError {
  return new DomainError(
    'DEADLINE_EXCEEDED',
    'UPSTREAM.TIMEOUT',
    `catalog-service did not finish the import within ${deadlineMs / 1000} seconds, and it was stopped. The rows before ` +
      'that point may already be applied: importing a row again only updates its product, so send the rest in smaller parts.',
  );
}
