import { ApiProperty } from '@nestjs/swagger';
import type { ImportProductsResponse } from '@triad/contracts/catalog/v1';

export class ImportRowErrorResource {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3, description: 'The line of the body the row was on, counting from 1.' })
  row!: number;

  @ApiProperty({ example: 'MUG-BLUE-350', description: 'The SKU the row had; empty when the line had none to read.' })
  sku!: string;

  @ApiProperty({ example: 'name must not be empty', description: 'What was wrong with the row, and so what to fix.' })
  message!: string;
}

export class ImportSummaryResource {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Products the import created (rows with a new SKU).' })
  created_count!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Products the import changed (rows with a known SKU).' })
  updated_count!: number;

  @ApiProperty({ type: [ImportRowErrorResource], description: 'The rows that were skipped, in the order of the body.' })
  errors!: ImportRowErrorResource[];
}

/** The summary of an import: catalog-service's, with the rows rest-api could not read (`unread`) among its errors. */
export function toImportSummaryResource(summary: ImportProductsResponse, unread: readonly ImportRowErrorResource[]): ImportSummaryResource {
  const errors = [...unread, ...summary.errors].sort((first, second) => first.row - second.row);
  return { created_count: summary.createdCount, updated_count: summary.updatedCount, errors };
}
