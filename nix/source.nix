# The files the crane build sees: cargo's sources plus the non-Rust files the
# code embeds at compile time. maybeMissing: a crate without such a directory
# is fine, but a present one is never dropped (cleanCargoSource would drop it).
# Evaluated without a store by tests/nix/eval.nix (lib.fileset.toList).
{ lib, root, cargoSources }:
let
  crateDirs = lib.attrNames (lib.filterAttrs (_: t: t == "directory") (builtins.readDir (root + "/crates")));
  embedded = lib.concatMap
    (c: [
      (lib.fileset.maybeMissing (root + "/crates/${c}/migrations"))
      (lib.fileset.maybeMissing (root + "/crates/${c}/assets"))
    ])
    crateDirs;
in
lib.fileset.unions ([
  # Cargo.toml of the workspace and of every crate, Cargo.lock, *.rs, build.rs, .cargo/config.toml
  (cargoSources root)
  (lib.fileset.maybeMissing (root + "/crates/bingo-web/assets"))
  (lib.fileset.maybeMissing (root + "/deny.toml"))
] ++ embedded)
