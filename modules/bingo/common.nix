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

  # "host:port" for a client on this machine: a wildcard listen address is reached on loopback,
  # and an IPv6 address is bracketed (Prometheus targets and Caddy upstreams need both).
  hostPort = address: port:
    let
      host =
        if address == "0.0.0.0" then "127.0.0.1"
        else if address == "::" then "::1"
        else address;
    in
    "${if lib.hasInfix ":" host then "[${host}]" else host}:${toString port}";

  # Where `bingo serve` / `bingo api` answer, as seen from this machine.
  apiAddress = hostPort cfg.listenAddress cfg.port;

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
    // lib.optionalAttrs usePostgres {
      # pg_dump/pg_restore for `bingo backup` and `bingo restore`, by path rather than PATH
      # (a unit's or systemd-run's PATH does not have them).
      BINGO_PG_BIN_DIR = "${cfg.database.toolsPackage}/bin";
    }
    // lib.optionalAttrs cfg.proxy.enable {
      # Caddy on this machine: its X-Forwarded-For names each player's address, so rate limits
      # count players, not the proxy (a hall behind Caddy or behind one public address).
      BINGO_TRUSTED_PROXIES = "127.0.0.1,::1";
    }
    // lib.optionalAttrs (cfg.proxy.enable && cfg.proxy.tls == "off") {
      # Phones that cannot resolve .local reach the box by IP on Caddy's port 80: /screen lists
      # those addresses (read from the interfaces, hence AF_NETLINK below).
      BINGO_LAN_PORT = "80";
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
    # "all", not "pid": the process collector reads the boot time from /proc/stat for
    # process_start_time_seconds (procfs' boot_time_secs), which "pid" hides.
    ProcSubset = "all";
    # AF_NETLINK: getifaddrs, to list the box's addresses for phones (BINGO_LAN_PORT).
    RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" "AF_NETLINK" ];
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
