// The generated contracts of the triad.catalog.v1 proto package, as @triad/contracts/catalog/v1.
export * from './generated/triad/catalog/v1/catalog_service.js';
