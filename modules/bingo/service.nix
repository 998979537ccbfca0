# The bingo processes: `bingo serve` (single) or `bingo api` + N x `bingo realtime`
# (split), a migration oneshot that runs before them, and the secret checks.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.bingo;
  common = import ./common.nix { inherit config lib; };
  bingo = "${cfg.package}/bin/bingo";

  realtimeIndices = lib.range 1 cfg.realtime.instances;
  realtimePort = n: cfg.realtime.basePort + n - 1;

  mkUnit = { unit, description, args, listen, nodeId }: {
    inherit description;
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" "bingo-migrate.service" ] ++ common.dependencies;
    requires = [ "bingo-migrate.service" ] ++ common.dependencies;
    startLimitBurst = 5;
    startLimitIntervalSec = 120;
    environment = common.environment "${unit}.service" // {
      BINGO_LISTEN = listen;
      BINGO_NODE_ID = nodeId;
    };
    serviceConfig = common.hardening // {
      Type = "simple";
      ExecStart = "${bingo} ${args}";
      Restart = "on-failure";
      RestartSec = "2s";
      TimeoutStopSec = "30s";
    };
  };

  processes =
    if cfg.mode == "single" then {
      bingo = mkUnit {
        unit = "bingo";
        description = "Bingo platform (API, WebSocket hub, web apps)";
        args = "serve";
        listen = "${cfg.listenAddress}:${toString cfg.port}";
        inherit (cfg) nodeId;
      };
    } else
      {
        bingo-api = mkUnit {
          unit = "bingo-api";
          description = "Bingo HTTP API and web apps";
          args = "api";
          listen = "${cfg.listenAddress}:${toString cfg.port}";
          inherit (cfg) nodeId;
        };
      }
      // lib.listToAttrs (map
        (n: lib.nameValuePair "bingo-realtime-${toString n}" (mkUnit {
          unit = "bingo-realtime-${toString n}";
          description = "Bingo WebSocket hub ${toString n}";
          args = "realtime";
          listen = "127.0.0.1:${toString (realtimePort n)}";
          nodeId = "${cfg.nodeId}-rt${toString n}";
        }))
        realtimeIndices);

  isStorePath = p: lib.hasPrefix builtins.storeDir p;
in
{
  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.adminPasswordFile != null;
        message = ''
          services.bingo.adminPasswordFile is not set. The bingo platform has no default
          admin passphrase: point services.bingo.adminPasswordFile at a root-readable file
          outside the Nix store (e.g. "/var/lib/bingo-secrets/admin-passphrase"), and set
          services.bingo.initAdminPasswordFile = true to have one generated at first boot.
        '';
      }
      {
        assertion = lib.all (f: !isStorePath f) (lib.attrValues common.credentials);
        message = "services.bingo: secret files (adminPasswordFile, database.urlFile, redis.urlFile) must not be in the Nix store, which is world-readable.";
      }
      {
        assertion = !(common.usePostgres && !cfg.database.createLocally && cfg.database.urlFile == null);
        message = "services.bingo.database.urlFile must be set when database.backend = \"postgresql\" and database.createLocally = false.";
      }
      {
        assertion = cfg.mode == "single" || cfg.redis.createLocally || cfg.redis.urlFile != null;
        message = "services.bingo.mode = \"split\" needs Redis: set services.bingo.redis.createLocally = true or services.bingo.redis.urlFile.";
      }
      {
        assertion = cfg.mode == "single" || cfg.database.backend == "postgresql";
        message = "services.bingo.mode = \"split\" needs a shared database: set services.bingo.database.backend = \"postgresql\".";
      }
    ];

    systemd.services = processes // {
      bingo-migrate = {
        description = "Bingo database migrations";
        after = [ "network.target" "bingo-secrets.service" ] ++ common.dependencies;
        requires = common.dependencies;
        wants = lib.optional cfg.initAdminPasswordFile "bingo-secrets.service";
        # Re-run on every switch that changes the package.
        restartTriggers = [ cfg.package ];
        environment = common.environment "bingo-migrate.service";
        serviceConfig = common.hardening // {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = "${bingo} migrate";
        };
      };
    } // lib.optionalAttrs cfg.initAdminPasswordFile {
      bingo-secrets = {
        description = "Generate the bingo admin passphrase on first boot";
        before = [ "bingo-migrate.service" ];
        unitConfig.ConditionPathExists = "!${cfg.adminPasswordFile}";
        path = [ pkgs.coreutils pkgs.util-linux ];
        serviceConfig = {
          Type = "oneshot";
          UMask = "0077";
          StandardOutput = "journal+console";
        };
        script = ''
          install -d -m 0700 "$(dirname ${lib.escapeShellArg cfg.adminPasswordFile})"
          # 4 groups of 5 characters from an unambiguous alphabet.
          pass="$(tr -dc 'abcdefghjkmnpqrstuvwxyz23456789' < /dev/urandom | head -c 20 | fold -w 5 | paste -sd- -)"
          printf '%s\n' "$pass" > ${lib.escapeShellArg cfg.adminPasswordFile}
          # Never the passphrase itself: stdout is the journal, which Alloy ships to Loki.
          echo "bingo: generated the admin passphrase into ${cfg.adminPasswordFile} (root only)"
        '';
      };
    };
  };
}
