# The services.bingo option list as JSON, for tests/nix/gen-options-doc.py
# (which writes docs/NIXOS-OPTIONS.md).
#   nix-instantiate --eval --strict --json tests/nix/options-doc.nix --arg nixlib /path/to/lib
{ nixlib }:
let
  lib = import nixlib;
  eval = lib.evalModules {
    modules = [
      ./stubs.nix
      ../../modules
      { _module.args.pkgs = { }; _module.check = false; }
    ];
  };
  docs = lib.optionAttrSetToDocList eval.options.services.bingo;
in
map
  (o: {
    inherit (o) name description type;
    default = o.default.text or null;
    example = o.example.text or null;
  })
  (lib.filter (o: o.visible && !o.internal) docs)
