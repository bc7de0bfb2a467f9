/**
 * How long what the interactive grants hand out lives. An access token cannot be taken back before it expires
 * (every process checks it on its own), so it is short; a refresh token is revoked at once, and each use
 * replaces it.
 */
export const OAUTH_TTL_SECONDS = {
  accessToken: 300,
  refreshToken: 14 * 24 * 3600,
  authorizationCode: 60,
  interaction: 600,
  session: 24 * 3600,
} as const;
