# Renders Caddyfile.template. Uses builtins only, so that tests/nix can render
# it with a bare nix-instantiate and validate the exact text with `caddy validate`.
{ domain
, tls ? "off"
, acmeEmail ? null
, hstsIncludeSubdomains ? false
, apiUpstream
, realtimeUpstreams
, grafanaUpstream ? null
}:
let
  template = builtins.readFile ./Caddyfile.template;
  onTls = tls != "off";
  optionalString = c: s: if c then s else "";
  subst = {
    GLOBAL_OPTIONS =
      if tls == "acme" && acmeEmail != null then "email ${acmeEmail}"
      else if !onTls then "auto_https off"
      else "";
    # Plain HTTP answers any host name on port 80 (bingo.local, bingo, the bare IP).
    SITE_ADDRESS = if onTls then domain else ":80";
    TLS_DIRECTIVE = if tls == "internal" then "tls internal" else "";
    HSTS_HEADER = optionalString onTls ''Strict-Transport-Security "max-age=31536000${optionalString hstsIncludeSubdomains "; includeSubDomains"}"'';
    API_UPSTREAM = apiUpstream;
    REALTIME_UPSTREAMS = builtins.concatStringsSep " " realtimeUpstreams;
    EXTRA_ROUTES = optionalString (grafanaUpstream != null) ''
      handle /grafana* {
      		header Content-Security-Policy "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
      		reverse_proxy ${grafanaUpstream}
      	}'';
  };
  names = builtins.attrNames subst;
in
builtins.replaceStrings (map (n: "@${n}@") names) (map (n: subst.${n}) names) template
