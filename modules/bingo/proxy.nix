# proxy: Caddy in front of the services, rendered from modules/caddy/Caddyfile.template.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.bingo;
  pcfg = cfg.proxy;
  common = import ./common.nix { inherit config lib; };
  render = import ../caddy/render.nix;

  apiUpstream = common.apiAddress;
  realtimeUpstreams =
    if cfg.mode == "single" then [ apiUpstream ]
    else map (n: "127.0.0.1:${toString (cfg.realtime.basePort + n - 1)}") (lib.range 1 cfg.realtime.instances);

  caddyfile = render {
    inherit (pcfg) domain tls acmeEmail acmeCA acmeCARoot hstsIncludeSubdomains;
    inherit apiUpstream realtimeUpstreams;
    grafanaUpstream = if pcfg.exposeGrafana && cfg.observability.enable then "127.0.0.1:3000" else null;
    captivePortal = if cfg.hotspot.enable then cfg.hotspot.portalUrl else null;
  };
in
{
  config = lib.mkMerge [
    { services.bingo.proxy.renderedCaddyfile = caddyfile; }
    (lib.mkIf (cfg.enable && pcfg.enable) {
      assertions = [{
        # Rendered only with tls = "acme"; anywhere else they would be silently ignored.
        assertion = pcfg.tls == "acme" || (pcfg.acmeCA == null && pcfg.acmeCARoot == null);
        message = "services.bingo.proxy.acmeCA and acmeCARoot only apply with services.bingo.proxy.tls = \"acme\".";
      }];
      services.caddy = {
        enable = true;
        configFile = pkgs.writeText "Caddyfile" caddyfile;
        adapter = "caddyfile";
      };
      networking.firewall.allowedTCPPorts = [ 80 ] ++ lib.optional (pcfg.tls != "off") 443;
      # HTTP/3: Caddy serves QUIC on UDP 443 by default wherever it serves HTTPS.
      networking.firewall.allowedUDPPorts = lib.optional (pcfg.tls != "off") 443;
    })
  ];
}
