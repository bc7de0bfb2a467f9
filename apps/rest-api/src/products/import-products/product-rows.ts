import type { ValidationPipe } from '@nestjs/common';
import type { ImportProductsRequest } from '@triad/contracts/catalog/v1';
import { DomainError } from '@triad/platform';
import { requestValidationPipe } from '../../problems/request-validation.pipe.js';
import { CreateProductBody, toCreateProductRequest } from '../product-admin.dto.js';
import type { ImportRowErrorResource } from './import-products.dto.js';
import type { NdjsonLine } from './ndjson-lines.js';

const MAX_ECHOED_SKU = 64;

/**
 * The import rows of an NDJSON body, one per line, numbered by their line and checked exactly like the body of
 * `POST /v1/products`. A line that is not JSON, or not a product, goes to `unread` as a row error instead, so
 * the lines around it still import; blank lines are skipped.
 */
export async function* productRows(
  lines: AsyncIterable<NdjsonLine>,
  unread: ImportRowErrorResource[],
): AsyncGenerator<ImportProductsRequest> {
  const validation = requestValidationPipe();
  for await (const { number, text } of lines) {
    if (text.trim() === '') continue;
    const row = await readRow(number, text, validation);
    if ('message' in row) unread.push(row);
    else yield row;
  }
}

async function readRow(row: number, text: string, validation: ValidationPipe): Promise<ImportProductsRequest | ImportRowErrorResource> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { row, sku: '', message: `the line is not JSON: ${(error as SyntaxError).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { row, sku: '', message: 'the line must be one JSON object with the fields of a product, such as {"sku": "MUG-001", …}' };
  }
  // Only to tell the rows apart in the report: a long SKU is refused, and not echoed back whole.
  const sku = 'sku' in value && typeof value.sku === 'string' ? value.sku.slice(0, MAX_ECHOED_SKU) : '';
  try {
    const body = (await validation.transform(value, { type: 'body', metatype: CreateProductBody })) as CreateProductBody;
    return { row, ...toCreateProductRequest(body) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // Worded as catalog-service words the rows it skips: "name must not be empty; stock_on_hand is required".
    return { row, sku, message: error.fieldViolations.map(({ field, description }) => `${field} ${description}`).join('; ') };
  }
}
