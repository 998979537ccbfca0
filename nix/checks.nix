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

  # The tests the sandbox can run: .config/nextest.toml's nix-sandbox profile leaves out those
  # needing caddy, prometheus/promtool, nix-instantiate or root (tests/run runs them all).
  # crane's lib/cargoNextest.nix (at flake.lock's rev 80db5bdc) runs, in the check phase,
  #   cargo nextest run ${CARGO_PROFILE:+--cargo-profile $CARGO_PROFILE} <cargoExtraArgs>
  #     <cargoNextestExtraArgs> <cargoNextestPartitionsExtraArgs>
  # with partitions = 1 (the default), and sets doCheck = true, so nativeCheckInputs are on PATH
  # and preCheck/postCheck run around that command. `--profile` there is nextest's own option
  # (cargo's is --cargo-profile). Rehearsed outside Nix by tests/nix/source-build.sh.
  nextest = craneLib.cargoNextest (commonArgs // {
    inherit cargoArtifacts;
    # crates/ and the workspace, plus tests/fairness/ (read by crates/bingo/tests/it/cli.rs),
    # docs/PROTOCOL.md (crates/bingo-realtime's protocol tests) and .config/nextest.toml
    # (nix/source.nix, tests = true).
    src = build.testSrc;
    cargoNextestExtraArgs = "--profile nix-sandbox --no-tests=fail";
    # psql, pg_dump and pg_restore (the testkit and the backup tests) come with postgresql;
    # python3 runs tests/fairness/reference.py; coreutils (kill, date, sha256sum) is stdenv's.
    nativeCheckInputs = [ pkgs.postgresql pkgs.redis pkgs.python3 ];
    # Throw-away PostgreSQL and Redis on unix sockets only (no TCP ports to collide on), as the
    # sandbox's build user; exports BINGO_TEST_PG, BINGO_TEST_REDIS, BINGO_TEST_PG_BIN_DIR.
    preCheck = ''
      source ${./sandbox-services.sh} "$TMPDIR/bingo-services"
    '';
    postCheck = ''
      bingo_sandbox_services_stop
    '';
  });

  # tests/nix/run.sh without its Nix-evaluation steps (the flake evaluation
  # itself covers them here): formatting, deadnix, caddy validate, promtool.
  nix-anywhere = pkgs.runCommand "bingo-nix-anywhere-checks"
    {
      # promtool is in prometheus' `cli` output, not in its default one: nixpkgs
      # pkgs/by-name/pr/prometheus/package.nix has outputs = [ "out" "doc" "cli" ] and
      # `moveToOutput bin/promtool $cli`. Read in two stored versions of NixOS/nixpkgs (044b684b,
      # prometheus built with its npm web UI; e92b6585, prometheus 3.0.0), both possibly older
      # than nixos-26.05; both split promtool out the same way.
      # shellcheck: tests/nix/run.sh checks the machines' scripts (their own tests skip here:
      # they need root, loop devices, tmux or nix-instantiate).
      nativeBuildInputs = [ pkgs.bash pkgs.nixpkgs-fmt pkgs.deadnix pkgs.caddy pkgs.prometheus.cli pkgs.python3 pkgs.gnused pkgs.gnugrep pkgs.findutils pkgs.shellcheck ];
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
