# The `bingo` package, built with crane (buildDepsOnly, then buildPackage).
{ lib, craneLib, pkgs }:
let
  root = ../.;
  src = lib.fileset.toSource {
    inherit root;
    fileset = import ./source.nix {
      inherit lib root;
      cargoSources = craneLib.fileset.commonCargoSources;
    };
  };

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
  inherit src commonArgs cargoArtifacts bingo;
}
