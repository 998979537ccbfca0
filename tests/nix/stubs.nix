# Stub declarations of the NixOS options that modules/ sets, with the option
# names and (where cheap) the types of nixpkgs 26.05. They make the project's
# module evaluable with nixpkgs' lib alone (no nixpkgs checkout, no store).
# A misspelt or removed option name in modules/ fails here with
# "The option `...' does not exist". Sources: see docs/NIXOS-OPTIONS.md.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  opt = type: default: mkOption { inherit type default; };
  bool = opt types.bool false;
  strs = opt (types.listOf types.str) [ ];
  anyAttrs = opt (types.attrsOf types.anything) { };

  # nixos/lib/systemd-unit-options.nix: the NixOS-level keys are declared,
  # serviceConfig/unitConfig/timerConfig are free-form directives.
  unitType = types.submodule {
    options = {
      enable = opt types.bool true;
      description = opt types.str "";
      wantedBy = strs;
      requiredBy = strs;
      after = strs;
      before = strs;
      requires = strs;
      wants = strs;
      partOf = strs;
      conflicts = strs;
      environment = opt (types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ]))) { };
      path = opt (types.listOf (types.oneOf [ types.package types.str ])) [ ];
      script = opt types.lines "";
      preStart = opt types.lines "";
      restartTriggers = opt (types.listOf types.unspecified) [ ];
      restartIfChanged = opt types.bool true;
      startAt = opt (types.either types.str (types.listOf types.str)) [ ];
      startLimitBurst = opt (types.nullOr types.int) null;
      startLimitIntervalSec = opt (types.nullOr types.int) null;
      unitConfig = anyAttrs;
      serviceConfig = anyAttrs;
    };
  };
in
{
  options = {
    assertions = opt (types.listOf types.unspecified) [ ];
    warnings = opt (types.listOf types.str) [ ];

    # nixos/modules/tasks/network-interfaces.nix
    networking.hostName = opt (types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$") "nixos";
    # nixos/modules/services/networking/firewall.nix
    networking.firewall.allowedTCPPorts = opt (types.listOf types.port) [ ];
    networking.firewall.allowedUDPPorts = opt (types.listOf types.port) [ ];

    # nixos/modules/system/boot/systemd.nix, systemd/tmpfiles.nix
    systemd.services = opt (types.attrsOf unitType) { };
    systemd.timers = opt (types.attrsOf (types.submodule { options.timerConfig = anyAttrs; })) { };
    systemd.tmpfiles.rules = strs;

    # nixos/modules/system/etc/etc.nix
    environment.etc = opt
      (types.attrsOf (types.submodule {
        options.source = opt (types.nullOr types.path) null;
        options.text = opt (types.nullOr types.lines) null;
      }))
      { };

    # nixos/modules/config/users-groups.nix
    users.users = opt
      (types.attrsOf (types.submodule {
        options.isNormalUser = bool;
        options.description = opt types.str "";
      }))
      { };

    services = {
      # nixos/modules/services/databases/postgresql.nix
      postgresql = {
        enable = bool;
        # No default: the module sets one (mkDefault, by stateVersion) only when enabled.
        package = mkOption { type = types.package; };
        ensureDatabases = strs;
        ensureUsers = opt
          (types.listOf (types.submodule {
            options.name = mkOption { type = types.str; };
            options.ensureDBOwnership = bool;
            options.ensureClauses = opt (types.attrsOf (types.nullOr types.bool)) { };
          })) [ ];
      };

      # nixos/modules/services/databases/redis.nix
      redis.servers = opt
        (types.attrsOf (types.submodule {
          options = {
            enable = bool;
            port = opt types.port 0;
            unixSocketPerm = opt types.int 660;
            save = opt (types.listOf (types.listOf types.int)) [ [ 900 1 ] [ 300 10 ] [ 60 10000 ] ];
            settings = opt (types.attrsOf (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ])) { };
          };
        }))
        { };

      # nixos/modules/services/web-servers/caddy/default.nix
      caddy = {
        enable = bool;
        configFile = opt types.path "/etc/caddy/Caddyfile";
        adapter = opt (types.nullOr types.str) null;
      };

      # nixos/modules/services/networking/avahi-daemon.nix
      avahi = {
        enable = bool;
        openFirewall = opt types.bool true;
        nssmdns4 = bool;
        publish = {
          enable = bool;
          addresses = bool;
          workstation = bool;
        };
      };

      # nixos/modules/services/monitoring/prometheus/default.nix + exporters.nix
      prometheus = {
        enable = bool;
        listenAddress = opt types.str "0.0.0.0";
        port = opt types.port 9090;
        retentionTime = opt (types.nullOr types.str) null;
        configText = opt (types.nullOr types.lines) null;
        exporters =
          let
            exporter = port: extra: {
              enable = bool;
              port = opt types.port port;
              listenAddress = opt types.str "0.0.0.0";
              extraFlags = strs;
            } // extra;
          in
          {
            node = exporter 9100 { enabledCollectors = strs; };
            postgres = exporter 9187 { runAsLocalSuperUser = bool; };
            redis = exporter 9121 { };
          };
        # nixos/modules/services/monitoring/prometheus/alertmanager.nix
        alertmanager = {
          enable = bool;
          listenAddress = opt types.str "";
          port = opt types.port 9093;
          configText = opt (types.nullOr types.lines) null;
          extraFlags = strs;
        };
      };

      # nixos/modules/services/monitoring/grafana.nix
      grafana = {
        enable = bool;
        settings = anyAttrs;
        provision = {
          enable = bool;
          datasources.settings = opt (types.nullOr (types.attrsOf types.anything)) null;
          dashboards.settings = opt (types.nullOr (types.attrsOf types.anything)) null;
        };
      };

      # nixos/modules/services/monitoring/loki.nix
      loki = {
        enable = bool;
        configuration = anyAttrs;
      };

      # nixos/modules/services/monitoring/alloy.nix
      alloy.enable = bool;

      # nixos/modules/services/wayland/cage.nix
      cage = {
        enable = bool;
        user = opt types.str "demo";
        extraArguments = strs;
        program = opt types.path "/nix/store/00000000000000000000000000000000-xterm/bin/xterm";
      };
    };

    # modules/bingo/hotspot.nix. nixos/modules/services/networking/hostapd.nix (radios, networks):
    services.hostapd = {
      enable = bool;
      radios = opt
        (types.attrsOf (types.submodule {
          options = {
            band = opt (types.enum [ "2g" "5g" "6g" "60g" ]) "2g";
            channel = opt types.int 0;
            countryCode = opt (types.nullOr types.str) null;
            wifi4.capabilities = opt (types.listOf types.str) [ "HT40" "HT40-" "SHORT-GI-20" "SHORT-GI-40" ];
            wifi5.enable = opt types.bool true;
            networks = opt
              (types.attrsOf (types.submodule {
                options = {
                  ssid = mkOption { type = types.str; };
                  apIsolate = bool;
                  authentication = {
                    mode = opt (types.enum [ "none" "wpa2-sha1" "wpa2-sha256" "wpa3-sae-transition" "wpa3-sae" ]) "wpa3-sae";
                    wpaPasswordFile = opt (types.nullOr types.path) null;
                  };
                };
              }))
              { };
          };
        }))
        { };
    };
    # nixos/modules/services/networking/dnsmasq.nix (settings: a keyValue freeform type)
    services.dnsmasq = {
      enable = bool;
      resolveLocalQueries = opt types.bool true;
      settings = opt (types.attrsOf (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ])) { };
    };
    # nixos/modules/tasks/network-interfaces.nix
    networking.interfaces = opt
      (types.attrsOf (types.submodule {
        options.useDHCP = opt (types.nullOr types.bool) null;
        options.ipv4.addresses = opt
          (types.listOf (types.submodule {
            options.address = mkOption { type = types.str; };
            options.prefixLength = mkOption { type = types.addCheck types.int (n: n >= 0 && n <= 32); };
          })) [ ];
      }))
      { };
    # nixos/modules/services/networking/firewall.nix (interfaces.<name>: the commonOptions)
    networking.firewall.interfaces = opt
      (types.attrsOf (types.submodule {
        options.allowedTCPPorts = opt (types.listOf types.port) [ ];
        options.allowedUDPPorts = opt (types.listOf types.port) [ ];
      }))
      { };
    # (networking.wireless.iwd.enable: machine-stubs.nix, and tests/nix/eval.nix without it.)
    # nixos/modules/system/boot/networkd.nix (links: [Match] and [Link] of a .link file)
    systemd.network.links = opt
      (types.attrsOf (types.submodule {
        options.matchConfig = anyAttrs;
        options.linkConfig = anyAttrs;
      }))
      { };
  };

  # postgresql.nix: `services.postgresql.package = mkDefault (...)` inside `mkIf cfg.enable`.
  config.services.postgresql.package = lib.mkIf config.services.postgresql.enable (lib.mkDefault {
    type = "derivation";
    outPath = "/nix/store/00000000000000000000000000000000-postgresql";
    name = "postgresql";
  });
}
