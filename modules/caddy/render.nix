# Renders Caddyfile.template. Uses builtins only, so that tests/nix can render
# it with a bare nix-instantiate and validate the exact text with `caddy validate`.
{ domain
, tls ? "off"
, acmeEmail ? null
, acmeCA ? null
, acmeCARoot ? null
, hstsIncludeSubdomains ? false
, apiUpstream
, realtimeUpstreams
, grafanaUpstream ? null
  # services.bingo.hotspot: the join page every captive-portal probe is redirected to.
, captivePortal ? null
}:
let
  template = builtins.readFile ./Caddyfile.template;
  probes = import ../hotspot/probes.nix;
  onTls = tls != "off";
  optionalString = c: s: if c then s else "";
  subst = {
    # acme_ca: that one ACME directory instead of Caddy's default issuers (Let's Encrypt, then
    # ZeroSSL); acme_ca_root: a PEM the ACME server's own HTTPS certificate is checked against.
    # Both Caddy global options (caddyserver.com/docs/caddyfile/options; httpcaddyfile/tlsapp.go
    # fillInGlobalACMEDefaults applies them to every ACME issuer).
    GLOBAL_OPTIONS =
      if tls == "acme" then
        builtins.concatStringsSep "\n\t"
          (builtins.filter (l: l != "") [
            (optionalString (acmeEmail != null) "email ${acmeEmail}")
            (optionalString (acmeCA != null) "acme_ca ${acmeCA}")
            (optionalString (acmeCARoot != null) "acme_ca_root ${acmeCARoot}")
          ])
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
    # Each probe path on any host, and every path of a probe host; redir runs before any handle
    # (Caddy's directive order), so /, /api and the apps keep working on the box's own names.
    CAPTIVE_ROUTES = optionalString (captivePortal != null) ''
      @captive_path path ${builtins.concatStringsSep " " probes.paths}
      	@captive_host host ${builtins.concatStringsSep " " probes.hosts}
      	redir @captive_path ${captivePortal} 302
      	redir @captive_host ${captivePortal} 302'';
  };
  names = builtins.attrNames subst;
in
builtins.replaceStrings (map (n: "@${n}@") names) (map (n: subst.${n}) names) template
