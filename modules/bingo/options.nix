# All options of the bingo module (services.bingo.*). Every option carries a
# description; docs/NIXOS-OPTIONS.md is the rendered reference.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption mkEnableOption types;
  cfg = config.services.bingo;
  absPath = types.strMatching "/.+";
in
{
  options.services.bingo = {
    enable = mkEnableOption "the bingo platform (HTTP API, WebSocket hub and the /screen, /console and /player web apps)";

    package = mkOption {
      type = types.package;
      description = "The package providing the `bingo` binary (the flake sets it to its `packages.<system>.default`).";
    };

    mode = mkOption {
      type = types.enum [ "single" "split" ];
      default = "single";
      description = ''
        `single` runs every role in one process (`bingo serve`, unit `bingo.service`).
        `split` runs `bingo api` (unit `bingo-api.service`) plus
        {option}`services.bingo.realtime.instances` WebSocket hubs
        (`bingo realtime`, units `bingo-realtime-<n>.service`) that share events over Redis.
      '';
    };

    listenAddress = mkOption {
      type = types.str;
      default = "127.0.0.1";
      description = "Address the `bingo serve` / `bingo api` process listens on. Keep it on loopback behind the proxy.";
    };

    port = mkOption {
      type = types.port;
      default = 8080;
      description = "TCP port of `bingo serve` / `bingo api` (BINGO_LISTEN).";
    };

    realtime = {
      instances = mkOption {
        type = types.ints.between 1 64;
        default = 2;
        description = "Number of `bingo realtime` processes in `split` mode.";
      };
      basePort = mkOption {
        type = types.port;
        default = 8100;
        description = "Port of the first realtime instance; instance n listens on basePort + n - 1.";
      };
    };

    publicUrl = mkOption {
      type = types.str;
      default = "${if cfg.proxy.tls == "off" then "http" else "https"}://${cfg.proxy.domain}";
      defaultText = lib.literalExpression ''"http://''${proxy.domain}" (or https when proxy.tls is not "off")'';
      example = "https://bingo.example.org";
      description = "URL players are told to open (BINGO_PUBLIC_URL); shown on /screen with a QR code.";
    };

    nodeId = mkOption {
      type = types.str;
      # Cloud image modules set hostName to "" (the name comes from the provider at boot).
      default = if config.networking.hostName == "" then "bingo" else config.networking.hostName;
      defaultText = lib.literalExpression ''if config.networking.hostName == "" then "bingo" else config.networking.hostName'';
      description = "Name of this node (BINGO_NODE_ID); realtime instances append `-rt<n>`.";
    };

    adminPasswordFile = mkOption {
      type = types.nullOr absPath;
      default = null;
      example = "/run/secrets/bingo-admin-passphrase";
      description = ''
        Absolute path (a string, so that it is never copied into the Nix store) of a
        root-readable file holding the admin passphrase. It is passed to the service as
        the systemd credential `admin-passphrase` (BINGO_ADMIN_PASSPHRASE_FILE).
        There is no default: evaluation fails until it is set.
      '';
    };

    initAdminPasswordFile = mkOption {
      type = types.bool;
      default = false;
      description = ''
        If the file named by {option}`services.bingo.adminPasswordFile` does not exist
        when the service starts, generate a random passphrase into it (mode 0600, root).
        It is never printed (the journal is shipped to Loki): read the file as root, or use
        the venue box's operator menu. Used by the offline venue image, which cannot ship a secret.
      '';
    };

    logFormat = mkOption {
      type = types.enum [ "json" "pretty" ];
      default = "json";
      description = "Log format on stdout (BINGO_LOG_FORMAT); the journal keeps it.";
    };

    logLevel = mkOption {
      type = types.str;
      default = "info";
      example = "info,bingo=debug";
      description = "Log filter (BINGO_LOG_LEVEL).";
    };

    environment = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = { BINGO_LOG_LEVEL = "debug"; };
      description = "Extra environment variables for every bingo unit. Never put secrets here: they land in the world-readable Nix store.";
    };

    memoryMax = mkOption {
      type = types.str;
      default = "1G";
      description = "systemd MemoryMax= of each bingo process.";
    };

    limitNOFILE = mkOption {
      type = types.ints.positive;
      default = 65536;
      description = "systemd LimitNOFILE= of each bingo process (one descriptor per WebSocket).";
    };

    database = {
      backend = mkOption {
        type = types.enum [ "postgresql" "sqlite" ];
        default = "postgresql";
        description = "`postgresql`, or `sqlite` for the embedded database in the state directory (BINGO_DATABASE_URL unset).";
      };
      createLocally = mkOption {
        type = types.bool;
        default = true;
        description = "Run PostgreSQL on this host (services.postgresql) with a database and a role owned by the service user; connects over /run/postgresql with peer authentication, no password.";
      };
      name = mkOption {
        type = types.str;
        default = "bingo";
        description = "Name of the local PostgreSQL database. The role is always `bingo`, the service user.";
      };
      toolsPackage = mkOption {
        type = types.package;
        # nixos/modules/services/databases/postgresql.nix: services.postgresql.package has no
        # default; the module sets one only when PostgreSQL is enabled.
        default = if cfg.database.createLocally && cfg.database.backend == "postgresql" then config.services.postgresql.package else pkgs.postgresql;
        defaultText = lib.literalExpression ''if database.createLocally then config.services.postgresql.package else pkgs.postgresql'';
        description = "PostgreSQL package whose pg_dump and pg_restore `bingo backup` and `bingo restore` run (BINGO_PG_BIN_DIR); its major version must be at least the server's.";
      };
      urlFile = mkOption {
        type = types.nullOr absPath;
        default = null;
        example = "/run/secrets/bingo-database-url";
        description = "File holding a `postgres://` URL of a remote database (credential `database-url`, BINGO_DATABASE_URL_FILE). Required when backend is postgresql and createLocally is false.";
      };
    };

    redis = {
      createLocally = mkOption {
        type = types.bool;
        default = true;
        description = "Run a local Redis (services.redis.servers.bingo, unix socket only) as the event bus.";
      };
      urlFile = mkOption {
        type = types.nullOr absPath;
        default = null;
        description = "File holding a `redis://` URL of an external Redis (credential `redis-url`, BINGO_REDIS_URL_FILE). With neither this nor createLocally, the in-process bus is used (single mode only).";
      };
    };

    proxy = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Put Caddy (services.caddy) in front, rendered from modules/caddy/Caddyfile.template, and open its ports.";
      };
      domain = mkOption {
        type = types.str;
        default = "bingo.local";
        example = "bingo.example.org";
        description = "Host name players use.";
      };
      tls = mkOption {
        type = types.enum [ "off" "acme" "internal" ];
        default = "off";
        description = ''
          `off`: plain HTTP on port 80 for any host name (the offline venue: bingo.local or the bare IP).
          `acme`: Caddy's automatic HTTPS (Let's Encrypt/ZeroSSL) for {option}`services.bingo.proxy.domain`, with HSTS.
          `internal`: HTTPS from Caddy's internal CA (tests, closed networks), with HSTS.
        '';
      };
      hstsIncludeSubdomains = mkOption {
        type = types.bool;
        default = false;
        description = "Add `includeSubDomains` to the HSTS header (tls = acme or internal). Only when every subdomain of {option}`services.bingo.proxy.domain` serves HTTPS.";
      };
      acmeEmail = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "Contact address for the ACME account (tls = acme).";
      };
      acmeCA = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "https://acme-staging-v02.api.letsencrypt.org/directory";
        description = ''
          ACME directory URL Caddy gets the certificate from (tls = acme; Caddy's global option `acme_ca`).
          `null`: Caddy's default public CAs (Let's Encrypt, falling back to ZeroSSL).
          A URL: only that CA, e.g. Let's Encrypt's staging directory while testing, or a private ACME CA.
          (`services.caddy.acmeCA` has no effect here: this module supplies Caddy's whole configuration file.)
        '';
      };
      acmeCARoot = mkOption {
        type = types.nullOr types.path;
        default = null;
        example = "/etc/ssl/private-acme-root.pem";
        description = ''
          PEM file with the root certificate that the ACME server's own HTTPS certificate chains to, when that is not
          in the system trust store (a private ACME CA; tls = acme; Caddy's global option `acme_ca_root`).
          Caddy's user must be able to read it; a Nix path is copied to the store (a CA certificate is public).
        '';
      };
      exposeGrafana = mkOption {
        type = types.bool;
        default = false;
        description = "Route /grafana/ to Grafana through Caddy. Off by default: Grafana stays on loopback (use an SSH tunnel).";
      };
      renderedCaddyfile = mkOption {
        type = types.str;
        readOnly = true;
        internal = true;
        description = "The Caddyfile text this module deploys (read by tests/nix to validate it with caddy).";
      };
    };

    mdns = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Publish this host as `<networking.hostName>.local` with Avahi and open UDP 5353.";
      };
    };

    observability = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Prometheus (scraping bingo, node, PostgreSQL and Redis exporters, with alert rules), Grafana with provisioned datasources and dashboards, Loki, and Grafana Alloy shipping the journal.";
      };
      retention = mkOption {
        type = types.str;
        default = "30d";
        description = "How long Prometheus keeps metrics and Loki keeps logs (Prometheus duration syntax, days).";
      };
      dashboardsDir = mkOption {
        type = types.path;
        default = ../observability/dashboards;
        defaultText = lib.literalExpression "./modules/observability/dashboards";
        description = "Directory of Grafana dashboard JSON files to provision.";
      };
      rulesDir = mkOption {
        type = types.path;
        default = ../observability/rules;
        defaultText = lib.literalExpression "./modules/observability/rules";
        description = "Directory of Prometheus rule files (`*.yml`), validated by promtool at build time.";
      };
      grafana = {
        adminPasswordFile = mkOption {
          type = types.nullOr absPath;
          default = null;
          description = "File with the Grafana admin password. When null, a random one is generated at first boot into /var/lib/bingo-secrets/grafana-admin-password.";
        };
        secretKeyFile = mkOption {
          type = types.nullOr absPath;
          default = null;
          description = "File with Grafana's secret_key. When null, a random one is generated at first boot into /var/lib/bingo-secrets/grafana-secret-key.";
        };
      };
      renderedPrometheusConfig = mkOption {
        type = types.str;
        readOnly = true;
        internal = true;
        description = "The prometheus.yml text this module deploys (read by tests/nix to validate it with promtool).";
      };
    };

    backup = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Run `bingo backup` daily from a systemd timer (unit bingo-backup.service).";
      };
      dir = mkOption {
        type = absPath;
        default = "/var/backup/bingo";
        example = "/srv/bingo-backups";
        description = "Directory `bingo backup` writes to (BINGO_BACKUP_DIR), on this machine. To keep a copy off the box, see {option}`services.bingo.backup.stick`.";
      };
      statusFile = mkOption {
        type = absPath;
        default = "/run/bingo-backup/status";
        description = "One line saying how the last backup run ended (ok, no stick, stick read-only or full, failed), written after every run; the venue's operator menu and `nix run .#backup` show it.";
      };
      stick = {
        enable = mkOption {
          type = types.bool;
          default = false;
          description = "After each backup, copy it to a USB stick labelled {option}`services.bingo.backup.stick.label` if one is plugged in (FAT, exFAT or ext4; mounted only for the copy, readable by root only). No stick, or a read-only or full one, is reported in the status file, not as a failed unit.";
        };
        label = mkOption {
          type = types.str;
          default = "BINGOBACKUP";
          description = "Filesystem label of the backup stick (`mkfs.vfat -n BINGOBACKUP /dev/sdX1`, or `fatlabel`).";
        };
      };
      retentionDays = mkOption {
        type = types.ints.positive;
        default = 30;
        description = "Delete backups older than this many days (BINGO_BACKUP_RETENTION_DAYS); the newest is always kept.";
      };
      startAt = mkOption {
        type = types.str;
        default = "*-*-* 03:30:00";
        description = "systemd calendar expression of the backup timer.";
      };
    };

    kiosk = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Show /screen full-screen on this machine's own display (cage with Firefox in kiosk mode), so one box drives the projector.";
      };
      url = mkOption {
        type = types.str;
        default = "http://127.0.0.1/screen";
        description = "Page the kiosk opens.";
      };
    };
  };
}
