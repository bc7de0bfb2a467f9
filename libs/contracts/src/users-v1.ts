// The generated contracts of the triad.users.v1 proto package, as @triad/contracts/users/v1.
export * from './generated/triad/users/v1/users_service.js';
