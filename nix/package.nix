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
    # diesel's postgres backend links libpq; the embedded SQLite is bundled.
    buildInputs = [ pkgs.libpq ];
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
      license = lib.licenses.agpl3Plus;
      platforms = lib.platforms.linux;
    };
  });
in
{
  inherit src commonArgs cargoArtifacts bingo;
}
