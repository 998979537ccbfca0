# Cargo checks: clippy, rustfmt, nextest (with PostgreSQL and Redis inside the
# build sandbox), the RustSec audit, and the anywhere-checks of tests/nix.
{ lib, pkgs, craneLib, build, advisory-db }:
let
  inherit (build) src commonArgs cargoArtifacts;
in
{
  clippy = craneLib.cargoClippy (commonArgs // {
    inherit cargoArtifacts;
    cargoClippyExtraArgs = "--all-targets -- --deny warnings";
  });

  rustfmt = craneLib.cargoFmt { inherit src; };

  audit = craneLib.cargoAudit { inherit src advisory-db; };

  nextest = craneLib.cargoNextest (commonArgs // {
    inherit cargoArtifacts;
    partitions = 1;
    partitionType = "count";
    cargoNextestPartitionsExtraArgs = "--no-tests=pass";
    nativeCheckInputs = [ pkgs.postgresql pkgs.redis ];
    # Throw-away servers on unix sockets only (no TCP ports to collide on).
    preCheck = ''
      export PGDATA="$TMPDIR/pg" PGHOST="$TMPDIR" PGPORT=5432
      initdb --username=postgres --auth=trust --no-locale --encoding=UTF8 "$PGDATA" >/dev/null
      pg_ctl --wait --log="$TMPDIR/pg.log" \
        --options="-c listen_addresses=''' -c unix_socket_directories=$TMPDIR -c port=$PGPORT -c fsync=off" start
      createdb --username=postgres bingo_test
      export BINGO_TEST_DATABASE_URL="postgres://postgres@localhost/bingo_test?host=$TMPDIR&port=$PGPORT"

      redis-server --port 0 --unixsocket "$TMPDIR/redis.sock" --save "" --daemonize yes \
        --logfile "$TMPDIR/redis.log"
      export BINGO_TEST_REDIS_URL="unix://$TMPDIR/redis.sock"
    '';
    postCheck = ''
      pg_ctl --wait stop || true
      redis-cli -s "$TMPDIR/redis.sock" shutdown nosave || true
    '';
  });

  # tests/nix/run.sh without its Nix-evaluation steps (the flake evaluation
  # itself covers them here): formatting, deadnix, caddy validate, promtool.
  nix-anywhere = pkgs.runCommand "bingo-nix-anywhere-checks"
    {
      nativeBuildInputs = [ pkgs.bash pkgs.nixpkgs-fmt pkgs.deadnix pkgs.caddy pkgs.prometheus pkgs.python3 pkgs.gnused pkgs.gnugrep pkgs.findutils ];
      src = lib.fileset.toSource {
        root = ../.;
        fileset = lib.fileset.unions [
          ../flake.nix
          ../nix
          ../modules
          ../nixos
          ../tests/nix
          ../tests/nixos
        ];
      };
    } ''
    cd "$src"
    HOME="$TMPDIR" BINGO_NIX_CHECKS_NO_NIX=1 bash tests/nix/run.sh
    touch "$out"
  '';
}
