/**
 * Test helpers that talk to the issuer's OAuth endpoints the way a client would.
 */

/** RFC 6749 §2.3.1 Basic credentials: form-urlencode id and secret, then base64. */
export function basic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`
}

export const TEST_CLIENT_BASIC = basic('test-client', 'test-secret')

/** POSTs `params` form-encoded to `url`. */
export function postForm(
  url: string,
  params: Record<string, string> | URLSearchParams,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  })
}

/** Introspects `token` as test-client (client_secret_basic) and returns the JSON answer. */
export async function introspect(
  url: string,
  token: string,
  authorization = TEST_CLIENT_BASIC,
): Promise<Record<string, unknown>> {
  const response = await postForm(url, { token }, { authorization })
  if (response.status !== 200) throw new Error(`introspection answered ${response.status}`)
  return (await response.json()) as Record<string, unknown>
}
