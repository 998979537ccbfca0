# A shell script file of nixos/scripts/ as a command: pkgs.writeShellApplication
# (pkgs/build-support/trivial-builders/default.nix) puts runtimeInputs on PATH, turns on
# errexit/nounset/pipefail and runs shellcheck at build time. The scripts are plain bash
# files so that tests/nix runs them for real on this machine.
{ pkgs }:
{ name, file, runtimeInputs ? [ ] }:
pkgs.writeShellApplication {
  inherit name runtimeInputs;
  text = builtins.readFile file;
}
