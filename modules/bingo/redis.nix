# redis.createLocally: a dedicated Redis instance (unix socket only) as the event bus.
{ config, lib, ... }:
let
  cfg = config.services.bingo;
in
{
  config = lib.mkIf (cfg.enable && cfg.redis.createLocally) {
    services.redis.servers.bingo = {
      enable = true;
      # port 0: no TCP listener; the socket is /run/redis-bingo/redis.sock (group redis-bingo).
      port = 0;
      unixSocketPerm = 660;
      # A bus, not a store: no RDB snapshots.
      save = [ ];
      settings = {
        maxmemory = "256mb";
        maxmemory-policy = "allkeys-lru";
      };
    };
  };
}
