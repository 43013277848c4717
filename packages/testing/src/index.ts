/**
 * `@bearerguard/testing`: a real local OAuth 2.0 authorization server for tests and demos.
 *
 * @example
 * ```ts
 * import { createTestIssuer } from '@bearerguard/testing'
 *
 * const issuer = await createTestIssuer()
 * const jwt = await issuer.token({ sub: 'alice' })
 * await issuer.close()
 * ```
 *
 * @packageDocumentation
 */
export { createTestIssuer } from './create-test-issuer.js'
export type {
  CreateTestIssuerOptions,
  RotateKeysOptions,
  TestIssuer,
} from './create-test-issuer.js'
export type { TokenOptions } from './issue-token.js'
export type { TestClient } from './clients.js'
export type { ClientAuthMethod } from './client-auth.js'
export type { OpaqueTokenOptions } from './token-registry.js'
export type { IntrospectionRequest } from './introspection-log.js'
export type { Fault, FaultEndpoint, FaultOptions } from './faults.js'
export type { CountedEndpoint } from './request-counts.js'
export type { EndpointName } from './routes.js'
export type { DiscoveryMode } from './metadata.js'
export { generateIssuerKey, jwkThumbprint } from './keys.js'
export type { IssuerKey, JwksDocument, PublicJwk } from './keys.js'
export { mintToken, signTokenByHand, unsignedToken } from './mint-token.js'
export type { MintTokenInput, SigningKeyInput } from './mint-token.js'
export { base64url } from './base64url.js'
export { createDpopKey, dpopProof } from './dpop.js'
export type { DpopKey, DpopProofOptions } from './dpop.js'
export { keycloakClaims } from './keycloak-claims.js'
export type { KeycloakClaimsOptions } from './keycloak-claims.js'
export { entraClaims } from './entra-claims.js'
export type { EntraClaimsOptions } from './entra-claims.js'
export { auth0Claims } from './auth0-claims.js'
export type { Auth0ClaimsOptions } from './auth0-claims.js'
