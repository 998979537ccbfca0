# The `bingo` package, built with crane (buildDepsOnly, then buildPackage).
{ lib, craneLib, pkgs }:
let
  root = ../.;

  # The files of the repository a build sees: nix/source.nix, a builtins-only predicate, as the
  # filter of nixpkgs' lib.cleanSourceWith (lib/sources.nix: `{ src, filter ? _: _: true,
  # name ? null }`, giving `{ _isLibCleanSourceWith = true; origSrc; filter; name; outPath =
  # builtins.path { path = origSrc; inherit filter name; }; }`; the filter gets every entry's
  # absolute path string and type, and a rejected directory is not descended into).
  # crane takes such a source as it takes its own cleanCargoSource (lib/cleanCargoSource.nix is a
  # lib.cleanSourceWith too): buildDepsOnly (lib/buildDepsOnly.nix) builds against mkDummySrc
  # (lib/mkDummySrc.nix), which crawls `origSrc` through findCargoFiles (lib/findCargoFiles.nix,
  # applying `filter`) for the Cargo.toml and .cargo/config.toml files; crateNameFromCargoToml and
  # vendorCargoDeps read Cargo.toml and Cargo.lock under `origSrc` (lib/crateNameFromCargoToml.nix,
  # lib/vendorCargoDeps.nix). Read in ipetkov/crane at 80db5bdc (flake.lock's rev) and
  # nix-community/nixpkgs.lib of June 2026.
  source = tests: lib.cleanSourceWith {
    src = root;
    filter = import ./source.nix { inherit root tests; };
    name = if tests then "bingo-test-source" else "bingo-source";
  };
  # What cargo builds: crates/ and the workspace files.
  src = source false;
  # The same plus what the nextest check's tests read at run time (nix/checks.nix).
  testSrc = source true;

  commonArgs = {
    inherit src;
    pname = "bingo";
    version = (lib.importTOML (root + "/Cargo.toml")).workspace.package.version;
    strictDeps = true;
    nativeBuildInputs = [ pkgs.pkg-config ];
    # SQLite and libpq are built from source (libsqlite3-sys and pq-sys, "bundled");
    # the bundled libpq links OpenSSL for TLS to PostgreSQL.
    buildInputs = [ pkgs.openssl ];
  };

  cargoArtifacts = craneLib.buildDepsOnly commonArgs;

  bingo = craneLib.buildPackage (commonArgs // {
    inherit cargoArtifacts;
    # Only the `bingo` package: crane installs the executables its cargo build log lists for the
    # workspace members (lib/setupHooks/installFromCargoBuildLogHook.sh), so the package carries
    # `bingo` and nothing else. The benchmarks' load generator, `bingo-loadgen`
    # (crates/bingo-loadgen), is a workspace member that the clippy and nextest checks build, lint
    # and test with the rest (nix/checks.nix), but no package installs it: `cargo build --release
    # -p bingo-loadgen` builds it for tests/bench.
    cargoExtraArgs = "--locked -p bingo";
    # Tests run once, in the nextest check (with PostgreSQL and Redis).
    doCheck = false;
    meta = {
      description = "Bingo platform: HTTP API, WebSocket hub and the screen/console/player web apps";
      mainProgram = "bingo";
      license = lib.licenses.asl20;
      platforms = lib.platforms.linux;
    };
  });
in
{
  inherit src testSrc commonArgs cargoArtifacts bingo;
}
