/** What every before/after example of the migration guides is built from. */
export interface MigrationConfig {
  /** The authorization server's issuer identifier (discovery lives under it). */
  issuer: string
  /** Its JWKS, for the libraries that do not do discovery. */
  jwksUri: string
  /** This API's identifier. */
  audience: string
}
