# Evaluates modules/ with nixpkgs' lib against tests/nix/stubs.nix and returns
# facts for tests/nix/run.sh to assert on (and the rendered Caddyfiles and
# prometheus.yml files to validate with caddy and promtool).
#   nix-instantiate --eval --strict --json tests/nix/eval.nix --arg nixlib /path/to/nixpkgs/lib
{ nixlib }:
let
  lib = import nixlib;
  repo = ../..;

  fake = name: {
    type = "derivation";
    name = name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  };
  pkgs = lib.genAttrs [ "coreutils" "findutils" "util-linux" "curl" "firefox" "postgresql" ] fake // {
    writeText = name: _text: "/nix/store/00000000000000000000000000000000-${name}";
    writeShellScript = name: _text: "/nix/store/00000000000000000000000000000000-${name}";
    # pkgs/build-support/trivial-builders/default.nix: the command is meta.mainProgram.
    writeShellApplication = { name, ... }: fake name // { meta.mainProgram = name; };
    # The Firefox wrapper is overridable (extraPolicies, extraPrefs).
    firefox = fake "firefox" // { override = _: fake "firefox-kiosk"; };
  };

  eval = extra: lib.evalModules {
    modules = [
      ./stubs.nix
      # nixos/modules/services/networking/iwd.nix (set by hotspot.nix; not in stubs.nix because
      # machine-stubs.nix declares it for tests/nix/machines.nix).
      { options.networking.wireless.iwd.enable = lib.mkOption { type = lib.types.bool; default = false; }; }
      (repo + "/modules")
      {
        _module.args.pkgs = pkgs;
        networking.hostName = "bingo";
        services.bingo = {
          enable = true;
          package = fake "bingo";
          # Strings, so that nothing is copied to a store (there is none here).
          observability.rulesDir = toString (repo + "/modules/observability/rules");
          observability.dashboardsDir = toString (repo + "/modules/observability/dashboards");
        };
      }
      extra
    ];
  };

  failedAssertions = cfg: map (a: a.message) (lib.filter (a: !a.assertion) cfg.assertions);

  venue = (eval {
    services.bingo = {
      adminPasswordFile = "/var/lib/bingo-secrets/admin-passphrase";
      initAdminPasswordFile = true;
      mdns.enable = true;
      observability.enable = true;
      kiosk.enable = true;
      backup.dir = "/var/backup/bingo";
      backup.stick.enable = true;
    };
  }).config;

  # A wildcard IPv6 listen address, on a host whose name comes from the cloud provider.
  ipv6 = (eval {
    networking.hostName = lib.mkForce "";
    services.bingo = {
      adminPasswordFile = "/run/secrets/admin";
      listenAddress = "::";
      observability.enable = true;
      observability.grafana.secretKeyFile = "/etc/grafana-keys/secret";
    };
  }).config;

  split = (eval {
    services.bingo = {
      adminPasswordFile = "/run/secrets/admin";
      mode = "split";
      realtime.instances = 3;
      observability.enable = true;
    };
  }).config;

  cloud = (eval {
    services.bingo = {
      adminPasswordFile = "/run/secrets/admin";
      proxy = {
        domain = "bingo.example.org";
        tls = "acme";
        acmeEmail = "ops@example.org";
        acmeCA = "https://acme-staging-v02.api.letsencrypt.org/directory";
      };
      database = { createLocally = false; urlFile = "/run/secrets/db-url"; };
      redis = { createLocally = false; urlFile = "/run/secrets/redis-url"; };
    };
  }).config;

  internalTls = (eval {
    services.bingo = {
      adminPasswordFile = "/run/secrets/admin";
      proxy = { domain = "bingo.test"; tls = "internal"; exposeGrafana = true; };
      observability.enable = true;
    };
  }).config;

  # Alerts routed to a webhook and e-mail (modules/bingo/alerting.nix).
  alertingArgs = {
    webhookUrl = "http://192.0.2.10:9099/alerts";
    email = { to = "ops@example.org"; from = "bingo@example.org"; smarthost = "smtp.example.org:587"; username = "bingo"; passwordFile = "/run/credentials/alertmanager.service/smtp-password"; requireTls = true; };
  };
  alerting = (eval {
    services.bingo = {
      adminPasswordFile = "/run/secrets/admin";
      observability.enable = true;
      observability.alerting = {
        enable = true;
        webhook.url = alertingArgs.webhookUrl;
        email = { inherit (alertingArgs.email) to from smarthost username; passwordFile = "/run/secrets/smtp-password"; };
      };
    };
  }).config;
  alertingFailed = a: failedAssertions (eval { services.bingo = { adminPasswordFile = "/run/s"; observability.enable = true; observability.alerting = { enable = true; } // a; }; }).config;

  # The box as the venue's Wi-Fi (modules/bingo/hotspot.nix): WPA2 from a file, and an open one.
  hotspot = (eval {
    services.bingo = {
      adminPasswordFile = "/run/secrets/admin";
      mdns.enable = true;
      hotspot = { enable = true; passphraseFile = "/var/lib/bingo-secrets/wifi-passphrase"; countryCode = "GB"; };
    };
  }).config;
  openHotspot = (eval {
    services.bingo = { adminPasswordFile = "/run/s"; hotspot = { enable = true; address = "192.168.77.1/24"; }; };
  }).config;
  # dnsmasq.conf as nixos/modules/services/networking/dnsmasq.nix writes it: its formatKeyValue
  # through lib.generators.toKeyValue (pkgs.formats.keyValue), over its mkDefault settings.
  nixpkgsDnsmasqConf = d:
    let
      formatKeyValue = name: value:
        if value == true then name
        else if value == false then "# setting `${name}` explicitly set to false"
        else lib.generators.mkKeyValueDefault { } "=" name value;
    in
    lib.generators.toKeyValue { listsAsDuplicateKeys = true; mkKeyValue = formatKeyValue; } ({
      dhcp-leasefile = "/var/lib/dnsmasq/dnsmasq.leases";
      conf-file = lib.optional d.resolveLocalQueries "/etc/dnsmasq-conf.conf";
      resolv-file = lib.optional d.resolveLocalQueries "/etc/dnsmasq-resolv.conf";
      server = [ ];
    } // d.settings);
  hotspotFacts = c: {
    failed = failedAssertions c;
    inherit (c.services) hostapd;
    dnsmasq = { inherit (c.services.dnsmasq) enable resolveLocalQueries settings; };
    dnsmasqConf = nixpkgsDnsmasqConf c.services.dnsmasq;
    # What tests/rehearsal/hotspot.sh runs dnsmasq with.
    dnsmasqConfRehearsal = import (repo + "/modules/hotspot/dnsmasq-conf.nix") { inherit (c.services.dnsmasq) settings resolveLocalQueries; };
    inherit (c.networking) interfaces;
    firewallInterfaces = c.networking.firewall.interfaces;
    iwd = c.networking.wireless.iwd.enable;
    links = c.systemd.network.links;
    caddyfile = c.services.bingo.proxy.renderedCaddyfile;
  };

  noPassword = (eval { }).config;
  storeSecret = (eval { services.bingo.adminPasswordFile = "/nix/store/00000000000000000000000000000000-pw"; }).config;
  splitWithoutRedis = (eval {
    services.bingo = { adminPasswordFile = "/run/s"; mode = "split"; redis.createLocally = false; };
  }).config;
  remoteDbWithoutUrl = (eval {
    services.bingo = { adminPasswordFile = "/run/s"; database.createLocally = false; };
  }).config;

  unitFacts = u: {
    inherit (u) after requires wantedBy environment;
    serviceConfig = u.serviceConfig;
  };
in
{
  venue = {
    failed = failedAssertions venue;
    inherit (venue) warnings;
    units = lib.attrNames venue.systemd.services;
    bingo = unitFacts venue.systemd.services.bingo;
    migrate = unitFacts venue.systemd.services.bingo-migrate;
    backup = unitFacts venue.systemd.services.bingo-backup // { inherit (venue.systemd.services.bingo-backup) startAt; };
    secretsScript = venue.systemd.services.bingo-secrets.script;
    grafanaSecretsScript = venue.systemd.services.bingo-grafana-secrets.script;
    postgresql = { inherit (venue.services.postgresql) enable ensureDatabases ensureUsers; };
    redis = venue.services.redis.servers.bingo;
    caddy = { inherit (venue.services.caddy) enable configFile adapter; };
    avahi = venue.services.avahi;
    firewallTCP = venue.networking.firewall.allowedTCPPorts;
    prometheus = { inherit (venue.services.prometheus) enable listenAddress retentionTime; exporters = lib.mapAttrs (_: e: e.enable) venue.services.prometheus.exporters; };
    grafana = venue.services.grafana;
    grafanaUnit = unitFacts venue.systemd.services.grafana;
    loki = venue.services.loki.enable;
    alloy = venue.services.alloy.enable;
    cage = { inherit (venue.services.cage) enable user; };
    caddyfile = venue.services.bingo.proxy.renderedCaddyfile;
    prometheusYml = venue.services.bingo.observability.renderedPrometheusConfig;
    alertmanager = venue.services.prometheus.alertmanager.enable;
  };
  alerting = {
    failed = failedAssertions alerting;
    alertmanager = { inherit (alerting.services.prometheus.alertmanager) enable listenAddress port configText extraFlags; };
    alertmanagerUnit = alerting.systemd.services.alertmanager.serviceConfig;
    prometheusYml = alerting.services.bingo.observability.renderedPrometheusConfig;
    # With the default timings, what the module deploys is what the renderer gives with none:
    # tests/rehearsal/alerts.sh renders it that way and runs a real Alertmanager on it.
    sameAsRenderer = alerting.services.bingo.observability.alerting.renderedConfig == import (repo + "/modules/alertmanager/render.nix") alertingArgs;
    noReceiver = alertingFailed { };
    noObservability = failedAssertions (eval { services.bingo = { adminPasswordFile = "/run/s"; observability.alerting = { enable = true; webhook.url = "http://192.0.2.10/"; }; }; }).config;
    emailWithoutSmarthost = alertingFailed { email.to = "ops@example.org"; };
    dollar = alertingFailed { webhook.url = "http://192.0.2.10/$TOKEN"; };
    storePassword = alertingFailed { email = { to = "a@b"; from = "c@d"; smarthost = "e:25"; username = "u"; passwordFile = "/nix/store/00000000000000000000000000000000-pw"; }; };
  };
  split = {
    failed = failedAssertions split;
    units = lib.attrNames split.systemd.services;
    api = unitFacts split.systemd.services.bingo-api;
    rt3 = unitFacts split.systemd.services.bingo-realtime-3;
    caddyfile = split.services.bingo.proxy.renderedCaddyfile;
    prometheusYml = split.services.bingo.observability.renderedPrometheusConfig;
  };
  cloud = {
    failed = failedAssertions cloud;
    bingo = unitFacts cloud.systemd.services.bingo;
    postgresql = cloud.services.postgresql.enable;
    redisServers = lib.attrNames cloud.services.redis.servers;
    firewallTCP = cloud.networking.firewall.allowedTCPPorts;
    firewallUDP = cloud.networking.firewall.allowedUDPPorts;
    caddyfile = cloud.services.bingo.proxy.renderedCaddyfile;
  };
  ipv6 = {
    failed = failedAssertions ipv6;
    bingo = unitFacts ipv6.systemd.services.bingo;
    caddyfile = ipv6.services.bingo.proxy.renderedCaddyfile;
    prometheusYml = ipv6.services.bingo.observability.renderedPrometheusConfig;
    grafanaSecretsScript = ipv6.systemd.services.bingo-grafana-secrets.script;
  };
  internal = {
    failed = failedAssertions internalTls;
    caddyfile = internalTls.services.bingo.proxy.renderedCaddyfile;
  };
  hotspot = hotspotFacts hotspot // {
    tlsFailed = failedAssertions (eval { services.bingo = { adminPasswordFile = "/run/s"; hotspot.enable = true; proxy.tls = "internal"; }; }).config;
    storeSecretFailed = failedAssertions (eval { services.bingo = { adminPasswordFile = "/run/s"; hotspot = { enable = true; passphraseFile = "/nix/store/00000000000000000000000000000000-wifi"; }; }; }).config;
  };
  openHotspot = hotspotFacts openHotspot;
  noPassword.failed = failedAssertions noPassword;
  storeSecret.failed = failedAssertions storeSecret;
  splitWithoutRedis.failed = failedAssertions splitWithoutRedis;
  remoteDbWithoutUrl.failed = failedAssertions remoteDbWithoutUrl;
  # A private ACME CA (acmeCARoot: a file on the host, so not in the validated cloud Caddyfile).
  privateAcme = let c = (eval { services.bingo = { adminPasswordFile = "/run/s"; proxy = { domain = "bingo.example.org"; tls = "acme"; acmeCA = "https://ca.example.org/acme/directory"; acmeCARoot = "/etc/ssl/acme-root.pem"; }; }; }).config; in {
    failed = failedAssertions c;
    caddyfile = c.services.bingo.proxy.renderedCaddyfile;
  };
  acmeCAWithoutAcme.failed = failedAssertions (eval { services.bingo = { adminPasswordFile = "/run/s"; proxy.acmeCA = "https://ca.example.org/acme/directory"; }; }).config;
}
