// The generated contracts of the triad.common.v1 proto package, as @triad/contracts/common/v1.
export * from './generated/triad/common/v1/money.js';
