# observability: Prometheus (+ node, PostgreSQL and Redis exporters, alert rules; alerting.nix
# routes the alerts to the operators),
# Grafana (datasources and dashboards provisioned from the repository), Loki
# (the services push their logs to it) and Grafana Alloy shipping the journal.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.bingo;
  ocfg = cfg.observability;
  common = import ./common.nix { inherit config lib; };
  render = import ../prometheus/render.nix;
  exporters = config.services.prometheus.exporters;
  loopback = port: "127.0.0.1:${toString port}";

  # The API node where it listens (common.apiAddress: loopback for a wildcard, IPv6 bracketed);
  # realtime nodes always listen on 127.0.0.1.
  bingoTargets =
    [ common.apiAddress ]
    ++ lib.optionals (cfg.mode == "split")
      (map (n: loopback (cfg.realtime.basePort + n - 1)) (lib.range 1 cfg.realtime.instances));

  prometheusConfig = render {
    node = cfg.nodeId;
    rulesDir = if builtins.isPath ocfg.rulesDir then "${ocfg.rulesDir}" else ocfg.rulesDir;
    inherit bingoTargets;
    nodeTargets = [ (loopback exporters.node.port) ];
    postgresTargets = lib.optional common.localPostgres (loopback exporters.postgres.port);
    redisTargets = lib.optional common.localRedis (loopback exporters.redis.port);
    caddyTargets = lib.optional cfg.proxy.enable "127.0.0.1:2019";
    lokiTargets = [ "127.0.0.1:3100" ];
    # alerting.nix runs the Alertmanager there.
    alertmanagerTargets = lib.optional ocfg.alerting.enable (loopback config.services.prometheus.alertmanager.port);
  };

  textfileDir = "/var/lib/prometheus-node-exporter-text";
  grafanaCred = "/run/credentials/grafana.service";
  grafanaSecret = name: file: if file != null then file else "/var/lib/bingo-secrets/grafana-${name}";
  retentionHours = toString (24 * lib.toInt (lib.removeSuffix "d" ocfg.retention)) + "h";
in
{
  config = lib.mkMerge [
    { services.bingo.observability.renderedPrometheusConfig = prometheusConfig; }
    (lib.mkIf (cfg.enable && ocfg.enable) {
      assertions = [{
        assertion = builtins.match "[0-9]+d" ocfg.retention != null;
        message = "services.bingo.observability.retention must be a number of days such as \"30d\".";
      }];

      services.prometheus = {
        enable = true;
        listenAddress = "127.0.0.1";
        port = 9090;
        retentionTime = ocfg.retention;
        configText = prometheusConfig;
        exporters = {
          node = {
            enable = true;
            listenAddress = "127.0.0.1";
            enabledCollectors = [ "systemd" ];
            extraFlags = [ "--collector.textfile.directory=${textfileDir}" ];
          };
          postgres = lib.mkIf common.localPostgres {
            enable = true;
            listenAddress = "127.0.0.1";
            runAsLocalSuperUser = true;
          };
          redis = lib.mkIf common.localRedis {
            enable = true;
            listenAddress = "127.0.0.1";
            extraFlags = [ "--redis.addr=unix:///run/redis-bingo/redis.sock" ];
          };
        };
      };

      systemd.tmpfiles.rules = [ "d ${textfileDir} 0755 root root -" ];

      systemd.services.prometheus-redis-exporter = lib.mkIf common.localRedis {
        serviceConfig = {
          SupplementaryGroups = [ "redis-bingo" ];
          RestrictAddressFamilies = lib.mkForce [ "AF_UNIX" "AF_INET" "AF_INET6" ];
        };
      };

      services.grafana = {
        enable = true;
        settings = {
          server = {
            http_addr = "127.0.0.1";
            http_port = 3000;
            domain = cfg.proxy.domain;
            root_url = "${cfg.publicUrl}/grafana/";
            serve_from_sub_path = true;
          };
          security = {
            admin_user = "admin";
            admin_password = "$__file{${grafanaCred}/admin-password}";
            secret_key = "$__file{${grafanaCred}/secret-key}";
            cookie_secure = cfg.proxy.tls != "off";
          };
          analytics = {
            reporting_enabled = false;
            check_for_updates = false;
          };
        };
        provision = {
          enable = true;
          datasources.settings = {
            apiVersion = 1;
            datasources = [
              { name = "Prometheus"; type = "prometheus"; uid = "prometheus"; access = "proxy"; url = "http://127.0.0.1:9090"; isDefault = true; }
              { name = "Loki"; type = "loki"; uid = "loki"; access = "proxy"; url = "http://127.0.0.1:3100"; }
            ];
          };
          dashboards.settings = {
            apiVersion = 1;
            providers = [{
              name = "bingo";
              type = "file";
              disableDeletion = true;
              options.path = ocfg.dashboardsDir;
            }];
          };
        };
      };

      systemd.services.grafana = {
        after = [ "bingo-grafana-secrets.service" ];
        requires = [ "bingo-grafana-secrets.service" ];
        serviceConfig.LoadCredential = [
          "admin-password:${grafanaSecret "admin-password" ocfg.grafana.adminPasswordFile}"
          "secret-key:${grafanaSecret "secret-key" ocfg.grafana.secretKeyFile}"
        ];
      };

      # Generates the Grafana secrets that were not given as files (first boot only).
      systemd.services.bingo-grafana-secrets = {
        description = "Generate Grafana secrets for the bingo platform";
        path = [ pkgs.coreutils ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          UMask = "0077";
        };
        script = ''
          for f in ${lib.escapeShellArgs [ (grafanaSecret "admin-password" ocfg.grafana.adminPasswordFile) (grafanaSecret "secret-key" ocfg.grafana.secretKeyFile) ]}; do
            # A user-supplied path may live in a directory that does not exist yet.
            install -d -m 0700 "$(dirname "$f")"
            if [ ! -s "$f" ]; then
              tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 32 > "$f"
            fi
          done
        '';
      };

      # nixos/modules/services/monitoring/loki.nix checks this configuration with
      # `loki -verify-config` at build time (configuration set, no extraFlags).
      services.loki = {
        enable = true;
        configuration = {
          auth_enabled = false;
          server = {
            http_listen_address = "127.0.0.1";
            http_listen_port = 3100;
            grpc_listen_address = "127.0.0.1";
            grpc_listen_port = 9096;
          };
          common = {
            path_prefix = "/var/lib/loki";
            replication_factor = 1;
            ring = {
              instance_addr = "127.0.0.1";
              kvstore.store = "inmemory";
            };
            storage.filesystem = {
              chunks_directory = "/var/lib/loki/chunks";
              rules_directory = "/var/lib/loki/rules";
            };
          };
          schema_config.configs = [{
            from = "2026-01-01";
            store = "tsdb";
            object_store = "filesystem";
            schema = "v13";
            index = {
              prefix = "index_";
              period = "24h";
            };
          }];
          limits_config.retention_period = retentionHours;
          compactor = {
            working_directory = "/var/lib/loki/compactor";
            retention_enabled = true;
            delete_request_store = "filesystem";
          };
          analytics.reporting_enabled = false;
        };
      };

      # Journal -> Loki (Promtail is end of life; Alloy replaces it).
      # nixos/modules/services/monitoring/alloy.nix runs `alloy run /etc/alloy` (configPath),
      # reloads on changes of environment.etc."alloy/config.alloy", and puts the DynamicUser in
      # systemd-journal to read the journal.
      services.alloy.enable = true;
      environment.etc."alloy/config.alloy".source = ../observability/alloy/config.alloy;
    })
  ];
}
