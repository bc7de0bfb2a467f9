// The generated contracts of the triad.users.v1 proto package, as @triad/contracts/users/v1.
export * from './generated/triad/users/v1/users_service.js';
export * from './generated/triad/users/v1/sessions_service.js';
export * from './generated/triad/users/v1/oauth_clients_service.js';
// Every generated file of the package exports these three; the package's are those of its main file.
export { protobufFileName, protobufPackage, TRIAD_USERS_V1_PACKAGE_NAME } from './generated/triad/users/v1/users_service.js';
