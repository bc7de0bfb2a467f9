import { Payload } from '@nestjs/microservices';
import {
  SessionsServiceControllerMethods,
  type EndSessionRequest,
  type EndSessionResponse,
  type ResumeSessionRequest,
  type ResumeSessionResponse,
  type SessionsServiceController,
  type StartSessionRequest,
  type StartSessionResponse,
} from '@triad/contracts/users/v1';
import { GrpcController, ServiceOnly, SERVICE_SCOPES, toTimestamp, type WithCaller } from '@triad/platform';
import { toProtoUser } from '../users/users.grpc-controller.js';
import { BrowserSessionsService } from './browser-sessions.service.js';

/** The gRPC face of browser sessions, for the gateway alone (`users:sessions`). */
@GrpcController()
@SessionsServiceControllerMethods()
export class SessionsGrpcController implements WithCaller<SessionsServiceController> {
  constructor(private readonly sessions: BrowserSessionsService) {}

  @ServiceOnly(SERVICE_SCOPES.usersSessions)
  async startSession(@Payload() request: StartSessionRequest): Promise<StartSessionResponse> {
    const session = await this.sessions.start(request.email, request.password);
    return { sessionSecret: session.secret, expireTime: toTimestamp(session.expiresAt), user: toProtoUser(session.user) };
  }

  @ServiceOnly(SERVICE_SCOPES.usersSessions)
  async resumeSession(@Payload() request: ResumeSessionRequest): Promise<ResumeSessionResponse> {
    const session = await this.sessions.resume(request.sessionSecret);
    return {
      accessToken: session.accessToken,
      accessTokenExpireTime: toTimestamp(session.accessTokenExpiresAt),
      expireTime: toTimestamp(session.expiresAt),
      user: toProtoUser(session.user),
    };
  }

  @ServiceOnly(SERVICE_SCOPES.usersSessions)
  async endSession(@Payload() request: EndSessionRequest): Promise<EndSessionResponse> {
    await this.sessions.end(request.sessionSecret);
    return {};
  }
}
