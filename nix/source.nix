# Which files of the repository the crane builds see, as a source filter:
#
#   import ./source.nix { root = ../.; }  =>  path: type: bool
#
# It is the `filter` of `lib.cleanSourceWith` / `builtins.path`: called with the absolute path
# (a string under `root`) and the type ("regular", "directory", "symlink", "unknown") of every
# entry; a directory it rejects is not descended into. Builtins only (no nixpkgs lib), so that
# Nix 2.8 and a machine without nixpkgs can evaluate it: tests/nix/source-build.sh walks the tree
# with this very predicate, copies what it keeps and builds that copy.
#
# Complete by construction: the whole crates/ tree (sources, migrations, assets, build scripts:
# whatever a crate reads at compile time with include_str!/include_bytes!/embed_migrations!/its
# build script) and the workspace files cargo reads, minus what is never read by a build.
# crane's commonCargoSources (Cargo.toml/Cargo.lock, *.rs, *.toml) dropped such files once (a
# hand-written OpenAPI document, since replaced by one generated from the handlers).
#
# `tests = true` adds the files the nextest check's tests read at run time outside crates/
# (see nix/checks.nix and .config/nextest.toml's nix-sandbox profile).
{ root, tests ? false }:
let
  inherit (builtins) any baseNameOf elem filter head isString length split stringLength substring;

  prefix = toString root + "/";
  startsWith = p: s: substring 0 (stringLength p) s == p;

  # Top-level entries: the workspace manifest and lock, the configuration cargo, clippy and
  # rustfmt read, rustup's toolchain file, cargo-deny's configuration.
  topFiles = [ "Cargo.toml" "Cargo.lock" "clippy.toml" "rustfmt.toml" "deny.toml" "rust-toolchain" "rust-toolchain.toml" ];
  # Top-level directories kept whole (less the never-read entries below).
  topDirs = [ "crates" ".cargo" ];

  # Read at run time by tests of the nextest check (nix-sandbox profile):
  #   crates/bingo/tests/it/cli.rs: tests/fairness/vectors.json and tests/fairness/reference.py;
  #   crates/bingo-realtime/src/protocol/tests.rs: docs/PROTOCOL.md (tested against the types);
  #   cargo-nextest: .config/nextest.toml (the nix-sandbox profile itself).
  testPaths = [ ".config/nextest.toml" "tests/fairness" "docs/PROTOCOL.md" ];
  extra = if tests then testPaths else [ ];

  # Never read by a build: cargo's output (target/), npm's (node_modules/, gitignored, so never
  # in a flake's git source either), version control, nix-build result links, coverage output
  # (*.profraw, gitignored), sockets and other files the store cannot hold, and cargo's
  # download caches when CARGO_HOME=.cargo (cargo reads only .cargo/config{,.toml} of a project).
  neverDirs = [ "target" "node_modules" ".git" ];
  cargoHomeCaches = [ ".cargo/registry" ".cargo/git" ".cargo/bin" ];
  never = rel: base: type:
    type == "unknown"
    || base == ".git"
    || (type == "directory" && (elem base neverDirs || elem rel cargoHomeCaches))
    || (type == "symlink" && startsWith "result" base)
    || (type == "regular" && builtins.match ".*\\.profraw" base != null);
in
path: type:
let
  rel = substring (stringLength prefix) (stringLength path) path;
  parts = filter isString (split "/" rel);
  top = head parts;
  base = baseNameOf path;

  # The workspace part: top-level files and directories, everything below the kept directories.
  workspace =
    if length parts == 1
    then (if type == "directory" then elem rel topDirs else elem rel topFiles)
    else elem top topDirs;
  # A test path, something below one, or a directory on the way to one.
  testFile =
    any (e: rel == e || startsWith (e + "/") rel) extra
    || (type == "directory" && any (e: startsWith (rel + "/") e) extra);
in
startsWith prefix path && !(never rel base type) && (workspace || testFile)
