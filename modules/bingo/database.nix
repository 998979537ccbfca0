# database.createLocally: a local PostgreSQL with the database and the role "bingo".
{ config, lib, ... }:
let
  cfg = config.services.bingo;
  common = import ./common.nix { inherit config lib; };
in
{
  config = lib.mkIf (cfg.enable && common.localPostgres) {
    assertions = [{
      # nixpkgs requires ensureDBOwnership to name a database of the same name.
      assertion = cfg.database.name == "bingo";
      message = "services.bingo.database.name must be \"bingo\" with createLocally (the role owns the database of its own name).";
    }];
    services.postgresql = {
      enable = true;
      ensureDatabases = [ cfg.database.name ];
      ensureUsers = [{
        name = "bingo";
        ensureDBOwnership = true;
        # `bingo restore` builds the restored database beside the live one (CREATE DATABASE)
        # and renames it in (ALTER DATABASE ... RENAME needs CREATEDB too).
        ensureClauses.createdb = true;
      }];
    };
  };
}
