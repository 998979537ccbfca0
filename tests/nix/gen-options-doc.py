"""Writes docs/NIXOS-OPTIONS.md from `tests/nix/options-doc.nix` (JSON on stdin).
Regenerate: nix-instantiate --eval --strict --json tests/nix/options-doc.nix \
  --arg nixlib "$NIXPKGS_LIB" | python3 tests/nix/gen-options-doc.py > docs/NIXOS-OPTIONS.md"""
import json
import sys

opts = json.load(sys.stdin)
print("# NixOS options: `services.bingo`\n")
print("Generated from `modules/bingo/options.nix` by `tests/nix/gen-options-doc.py`; do not edit by hand.")
print("Import the module with `imports = [ bingo.nixosModules.default ];` (the flake input named `bingo`).\n")
for o in sorted(opts, key=lambda o: o["name"]):
    print(f"## `{o['name']}`\n")
    print((o["description"] or "").strip() + "\n")
    print(f"- Type: {o['type']}")
    if o["default"] is not None:
        print(f"- Default: `{o['default']}`")
    else:
        print("- Default: none (must be set)")
    if o["example"] is not None:
        print(f"- Example: `{o['example']}`")
    print()
