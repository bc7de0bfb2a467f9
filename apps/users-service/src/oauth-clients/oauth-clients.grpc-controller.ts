import { Payload } from '@nestjs/microservices';
import {
  OAuthClientsServiceControllerMethods,
  type CreateOAuthClientRequest,
  type CreateOAuthClientResponse,
  type ListOAuthClientsRequest,
  type ListOAuthClientsResponse,
  type OAuthClient,
  type OAuthClientsServiceController,
  type RevokeOAuthClientRequest,
  type RevokeOAuthClientResponse,
} from '@triad/contracts/users/v1';
import { GrpcCaller, GrpcController, toTimestamp, type Caller, type WithCaller } from '@triad/platform';
import { OAuthClientsService, type OAuthClientView } from './oauth-clients.service.js';

/** The gRPC face of the OAuth clients users register: translates messages to use-case calls and back. */
@GrpcController()
@OAuthClientsServiceControllerMethods()
export class OAuthClientsGrpcController implements WithCaller<OAuthClientsServiceController> {
  constructor(private readonly oauthClients: OAuthClientsService) {}

  async createOAuthClient(
    @Payload() request: CreateOAuthClientRequest,
    @GrpcCaller() caller: Caller | undefined,
  ): Promise<CreateOAuthClientResponse> {
    const created = await this.oauthClients.createOAuthClient({ name: request.name, scopes: request.scopes }, caller);
    return { oauthClient: toProtoClient(created.oauthClient), clientSecret: created.clientSecret };
  }

  async listOAuthClients(
    @Payload() _request: ListOAuthClientsRequest,
    @GrpcCaller() caller: Caller | undefined,
  ): Promise<ListOAuthClientsResponse> {
    return { oauthClients: (await this.oauthClients.listOAuthClients(caller)).map(toProtoClient) };
  }

  async revokeOAuthClient(
    @Payload() request: RevokeOAuthClientRequest,
    @GrpcCaller() caller: Caller | undefined,
  ): Promise<RevokeOAuthClientResponse> {
    await this.oauthClients.revokeOAuthClient(request.clientId, caller);
    return {};
  }
}

function toProtoClient(client: OAuthClientView): OAuthClient {
  return { clientId: client.clientId, name: client.name, scopes: client.scopes, createTime: toTimestamp(client.createdAt) };
}
