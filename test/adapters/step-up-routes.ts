/** RFC 9470 step-up requirements of the harness's /api/mfa and /api/recent (shared by every adapter). */
export const MFA_ACR = 'urn:example:mfa'
export const HWK_ACR = 'urn:example:hwk'
export const RECENT_MAX_AGE = 300
