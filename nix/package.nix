# The `bingo` package, built with crane (buildDepsOnly, then buildPackage).
{ lib, craneLib, pkgs }:
let
  root = ../.;
  crateDirs = lib.attrNames (lib.filterAttrs (_: t: t == "directory") (builtins.readDir (root + "/crates")));
  # Non-Rust files the code embeds at compile time (include_dir!/embed_migrations!).
  # maybeMissing: a crate without such a directory is fine; a present one is never dropped.
  embedded = lib.concatMap
    (c: [
      (lib.fileset.maybeMissing (root + "/crates/${c}/migrations"))
      (lib.fileset.maybeMissing (root + "/crates/${c}/assets"))
    ])
    crateDirs;

  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions ([
      # Cargo.toml of the workspace and of every crate, Cargo.lock, *.rs, build.rs, .cargo/config.toml
      (craneLib.fileset.commonCargoSources root)
      (lib.fileset.maybeMissing (root + "/crates/bingo-web/assets"))
      (lib.fileset.maybeMissing (root + "/deny.toml"))
    ] ++ embedded);
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
