# Shared pieces of the bingo units (not a module: imported by service.nix and backup.nix).
{ config, lib }:
let
  cfg = config.services.bingo;
  credDir = unit: "/run/credentials/${unit}";
in
rec {
  stateDir = "/var/lib/bingo";

  usePostgres = cfg.database.backend == "postgresql";
  localPostgres = usePostgres && cfg.database.createLocally;
  localRedis = cfg.redis.createLocally;

  # name -> source file; passed with LoadCredential=, never through the store.
  credentials = lib.filterAttrs (_: v: v != null) {
    "admin-passphrase" = cfg.adminPasswordFile;
    "database-url" = if usePostgres && !cfg.database.createLocally then cfg.database.urlFile else null;
    "redis-url" = if !localRedis then cfg.redis.urlFile else null;
  };

  loadCredential = lib.mapAttrsToList (name: file: "${name}:${file}") credentials;

  # Environment common to every bingo process of unit `unit`.
  environment = unit:
    {
      BINGO_DATA_DIR = stateDir;
      BINGO_PUBLIC_URL = cfg.publicUrl;
      BINGO_LOG_FORMAT = cfg.logFormat;
      BINGO_LOG_LEVEL = cfg.logLevel;
      BINGO_BACKUP_DIR = cfg.backup.dir;
      BINGO_BACKUP_RETENTION_DAYS = toString cfg.backup.retentionDays;
    }
    // lib.optionalAttrs (credentials ? "admin-passphrase") {
      BINGO_ADMIN_PASSPHRASE_FILE = "${credDir unit}/admin-passphrase";
    }
    // lib.optionalAttrs localPostgres {
      BINGO_DATABASE_URL = "postgres:///${cfg.database.name}?host=/run/postgresql";
    }
    // lib.optionalAttrs (credentials ? "database-url") {
      BINGO_DATABASE_URL_FILE = "${credDir unit}/database-url";
    }
    // lib.optionalAttrs localRedis {
      BINGO_REDIS_URL = "unix:///run/redis-bingo/redis.sock";
    }
    // lib.optionalAttrs (credentials ? "redis-url") {
      BINGO_REDIS_URL_FILE = "${credDir unit}/redis-url";
    }
    // lib.optionalAttrs cfg.observability.enable {
      BINGO_LOKI_URL = "http://127.0.0.1:3100";
    }
    // cfg.environment;

  # Units the bingo processes depend on.
  dependencies =
    lib.optional localPostgres "postgresql.target"
    ++ lib.optional localRedis "redis-bingo.service";

  # Hardened, unprivileged, dynamic-user service (compare harmonia's and attic's modules).
  hardening = {
    DynamicUser = true;
    # Fixed name: PostgreSQL peer authentication maps it to the role "bingo".
    User = "bingo";
    Group = "bingo";
    SupplementaryGroups = lib.optional localRedis "redis-bingo";
    StateDirectory = "bingo";
    StateDirectoryMode = "0750";
    RuntimeDirectory = "bingo";
    LoadCredential = loadCredential;
    UMask = "0077";
    NoNewPrivileges = true;
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    ProtectHostname = true;
    ProtectClock = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectProc = "invisible";
    ProcSubset = "pid";
    RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    RemoveIPC = true;
    LockPersonality = true;
    MemoryDenyWriteExecute = true;
    CapabilityBoundingSet = [ "" ];
    AmbientCapabilities = [ "" ];
    DevicePolicy = "closed";
    SystemCallArchitectures = "native";
    SystemCallFilter = [ "@system-service" "~@privileged" "~@resources" ];
    SystemCallErrorNumber = "EPERM";
    MemoryMax = cfg.memoryMax;
    LimitNOFILE = cfg.limitNOFILE;
  };
}
