/**
 * What every 401 of a guard with default options ends with: DPoP is `allowed` by default, so
 * a 401 to a Bearer or anonymous request also advertises it (RFC 9449 §7.1), with the default
 * proof algorithms.
 */
export const ADVERTISED_DPOP =
  ', DPoP algs="ES256 ES384 ES512 EdDSA PS256 PS384 PS512 RS256 RS384 RS512"'
