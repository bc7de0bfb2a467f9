import { Injectable } from '@nestjs/common';
import { DomainError, requireAdmin, requireScope, USER_SCOPES, type Caller } from '@triad/platform';
import { concatMap, lastValueFrom, type Observable } from 'rxjs';
import { parseNewProduct, type ProductFieldsRequest } from './product-input.schema.js';
import { ProductCache } from './product-cache.service.js';
import { ProductsRepository } from './products.repository.js';
import { newProductRow } from './products.service.js';

/** One row of an import: the product's fields and the row number the client will recognise in errors. */
export interface ImportRowRequest extends ProductFieldsRequest {
  row: number;
}

export interface ImportRowError {
  row: number;
  sku: string;
  message: string;
}

export interface ImportSummary {
  createdCount: number;
  updatedCount: number;
  errors: ImportRowError[];
}

/**
 * Bulk import: each row creates the product with its SKU or overwrites the one that has it. A row that fails
 * validation is reported and skipped, and does not stop the rows around it; rows apply in the order they
 * arrive, so when one SKU appears twice the later row wins.
 */
@Injectable()
export class ProductImportService {
  constructor(
    private readonly repository: ProductsRepository,
    private readonly cache: ProductCache,
  ) {}

  async importProducts(rows: Observable<ImportRowRequest>, caller: Caller | undefined): Promise<ImportSummary> {
    requireScope(requireAdmin(caller, 'import products'), USER_SCOPES.catalogWrite, 'changing the catalog');
    const summary: ImportSummary = { createdCount: 0, updatedCount: 0, errors: [] };
    let position = 0;
    // One row at a time, in the order they arrive.
    const applied = rows.pipe(concatMap((request) => this.importRow(request, (position += 1), summary)));
    await lastValueFrom(applied, { defaultValue: undefined });
    return summary;
  }

  private async importRow(request: ImportRowRequest, position: number, summary: ImportSummary): Promise<void> {
    // A client that does not number its rows gets their position in the stream, counting from 1.
    const row = request.row || position;
    let fields;
    try {
      fields = parseNewProduct(request);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const message = error.fieldViolations.map((violation) => `${violation.field} ${violation.description}`).join('; ');
      // The SKU only tells the rows apart in the summary; a refused one is not echoed back whole.
      summary.errors.push({ row, sku: request.sku.slice(0, 64), message });
      return;
    }
    const { outcome, id } = await this.repository.upsertBySku(newProductRow(fields));
    if (outcome === 'created') summary.createdCount += 1;
    else {
      summary.updatedCount += 1;
      await this.cache.forget([id]);
    }
  }
}
