/**
 * The nginx `server` block the package README documents, with the addresses of a test: the
 * decision subrequest, the error location that asks again for the exact answer, and a
 * protected `location /` that sets every identity header and clears method overrides.
 * `extra` adds directives to `location /` (e.g. a header carrying `$uri` for a test upstream).
 */
export function readmeServerBlock(gateway: string, upstream: string, extra = '') {
  return (port: number) => `
  upstream bearerguard { server ${gateway}; }
  server {
    listen 127.0.0.1:${port};

    location = /_bearerguard {
      internal;
      proxy_pass http://bearerguard/nginx;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host; # the host nginx chose this server by
      proxy_set_header X-Bearerguard-Recheck ""; # only the error location sets it
    }

    # auth_request passes only 2xx, 401 and 403: a 400 or 503 from the gateway arrives as 500,
    # and a 403 without its challenge. Ask the gateway once more for the exact answer.
    location @bearerguard_error {
      internal;
      proxy_pass http://bearerguard;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Bearerguard-Recheck 1;
    }

    location / {
      auth_request /_bearerguard;
      error_page 403 500 = @bearerguard_error;

      auth_request_set $bg_subject $upstream_http_x_auth_subject;
      auth_request_set $bg_client_id $upstream_http_x_auth_client_id;
      auth_request_set $bg_scopes $upstream_http_x_auth_scopes;
      auth_request_set $bg_roles $upstream_http_x_auth_roles;
      auth_request_set $bg_issuer $upstream_http_x_auth_issuer;
      # set every identity header, empty when absent: nginx then drops the client's own
      proxy_set_header X-Auth-Subject $bg_subject;
      proxy_set_header X-Auth-Client-Id $bg_client_id;
      proxy_set_header X-Auth-Scopes $bg_scopes;
      proxy_set_header X-Auth-Roles $bg_roles;
      proxy_set_header X-Auth-Issuer $bg_issuer;
      # the rules judged the request line: no method or path override reaches the upstream
      proxy_set_header X-HTTP-Method-Override "";
      proxy_set_header X-HTTP-Method "";
      proxy_set_header X-Method-Override "";
      proxy_set_header X-Original-URL "";
      proxy_set_header X-Rewrite-URL "";
${extra}
      proxy_pass ${upstream};
    }
  }`
}
