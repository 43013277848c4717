// oidc-provider ships without type declarations; these cover what the interop tests use.
declare module 'oidc-provider' {
  import type { RequestListener } from 'node:http'

  /** The request context oidc-provider hands to configuration callbacks (a Koa context). */
  export type ProviderContext = { oidc: Record<string, unknown> }
  export interface ProviderClient {
    clientId: string
  }
  export interface ProviderToken {
    clientId?: string
    kind?: string
  }
  export interface ResourceServerInfo {
    scope: string
    audience?: string
    accessTokenFormat?: 'opaque' | 'jwt'
    accessTokenTTL?: number
    jwt?: { sign?: { alg?: string; kid?: string } }
  }
  type Policy = (
    ctx: ProviderContext,
    client: ProviderClient,
    token: ProviderToken,
  ) => boolean | Promise<boolean>

  export interface Configuration {
    clients?: Array<Record<string, unknown>>
    jwks?: { keys: Array<Record<string, unknown>> }
    scopes?: string[]
    cookies?: { keys?: string[] }
    features?: {
      devInteractions?: { enabled: boolean }
      clientCredentials?: { enabled: boolean }
      dPoP?: { enabled: boolean }
      introspection?: { enabled: boolean; allowedPolicy?: Policy }
      revocation?: { enabled: boolean; allowedPolicy?: Policy }
      resourceIndicators?: {
        enabled: boolean
        defaultResource?: (
          ctx: ProviderContext,
          client: ProviderClient,
          oneOf?: string | string[],
        ) => string | string[] | undefined | Promise<string | string[] | undefined>
        useGrantedResource?: (ctx: ProviderContext, model: unknown) => boolean | Promise<boolean>
        getResourceServerInfo?: (
          ctx: ProviderContext,
          resourceIndicator: string,
          client: ProviderClient,
        ) => ResourceServerInfo | Promise<ResourceServerInfo>
      }
    }
    ttl?: Record<
      string,
      number | ((ctx: ProviderContext, token: ProviderToken, client: ProviderClient) => number)
    >
  }

  /** The provider is a Koa application serving every endpoint under its issuer. */
  export class Provider {
    constructor(issuer: string, configuration?: Configuration)
    readonly issuer: string
    callback(): RequestListener
  }
  export default Provider

  export const errors: {
    InvalidTarget: new (description?: string) => Error
  }
}
