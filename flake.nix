{
  description = "Bingo platform: the bingo server, NixOS modules, venue USB/ISO and cloud images";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    crane.url = "github:ipetkov/crane";
    advisory-db = {
      url = "github:rustsec/advisory-db";
      flake = false;
    };
  };

  outputs = { self, nixpkgs, crane, advisory-db }:
    let
      inherit (nixpkgs) lib;
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});

      perSystem = lib.genAttrs systems (system:
        let
          pkgs = nixpkgs.legacyPackages.${system};
          craneLib = crane.mkLib pkgs;
          build = import ./nix/package.nix { inherit lib craneLib pkgs; };
        in
        { inherit pkgs craneLib build; });

      # A NixOS machine of this flake for `system`.
      mkMachine = system: module: lib.nixosSystem {
        modules = [
          self.nixosModules.default
          ./nixos/common.nix
          module
          { nixpkgs.hostPlatform = system; }
        ];
      };

      # An app is { type = "app"; program = <store path>; } (Nix's flake schema); the script
      # gets the bingo package on PATH, and pg_dump/pg_restore by BINGO_PG_BIN_DIR unless the
      # caller names newer ones (pg_dump refuses a server of a newer major version).
      mkApp = pkgs: name: description: text: {
        type = "app";
        program = lib.getExe (pkgs.writeShellApplication {
          inherit name;
          runtimeInputs = [ self.packages.${pkgs.stdenv.hostPlatform.system}.default pkgs.coreutils pkgs.findutils pkgs.gnused ];
          text = ''
            export BINGO_PG_BIN_DIR="''${BINGO_PG_BIN_DIR:-${pkgs.postgresql}/bin}"
          '' + text;
        });
        meta.description = description;
      };
    in
    {
      nixosModules.default = { pkgs, ... }: {
        imports = [ ./modules ];
        services.bingo.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      };

      nixosConfigurations = {
        venue = mkMachine "x86_64-linux" ./nixos/venue.nix;
        venue-aarch64 = mkMachine "aarch64-linux" ./nixos/venue.nix;
        cloud = mkMachine "x86_64-linux" ./nixos/cloud.nix;
        cloud-aarch64 = mkMachine "aarch64-linux" ./nixos/cloud.nix;
      };

      packages = forAllSystems (system: _pkgs:
        let
          suffix = lib.optionalString (system == "aarch64-linux") "-aarch64";
          venueImages = self.nixosConfigurations."venue${suffix}".config.system.build.images;
          cloudImages = self.nixosConfigurations."cloud${suffix}".config.system.build.images;
        in
        {
          default = perSystem.${system}.build.bingo;
          bingo = perSystem.${system}.build.bingo;
          venue-iso = venueImages.iso;
          venue-usb = venueImages.raw-efi;
          cloud-image = cloudImages.qemu-efi;
          cloud-amazon = cloudImages.amazon;
          cloud-openstack = cloudImages.openstack;
          cloud-raw = cloudImages.raw-efi;
        } // lib.optionalAttrs (system == "x86_64-linux") {
          cloud-google = cloudImages.google-compute;
          cloud-azure = cloudImages.azure;
        });

      apps = forAllSystems (_system: pkgs: {
        default = mkApp pkgs "bingo-serve" "Run the bingo platform in the foreground (embedded SQLite in ./data)" ''exec bingo serve "$@"'';
        # On a services.bingo host: that host's database, through its backup unit (as root);
        # elsewhere: ./data's SQLite (or BINGO_DATABASE_URL). It says which, and where to.
        backup = mkApp pkgs "bingo-backup" "Back up the bingo database of this machine (its services.bingo, else ./data)" (builtins.readFile ./nix/backup-app.sh);
        restore = mkApp pkgs "bingo-restore" "Restore the bingo database from a backup file (bingo restore FILE [--yes])" ''exec bingo restore "$@"'';
      });

      checks = forAllSystems (system: pkgs:
        let
          inherit (perSystem.${system}) craneLib build;
          vmTest = file: pkgs.testers.runNixOSTest (import file { inherit self; });
        in
        {
          bingo = build.bingo;
          venue-toplevel = self.nixosConfigurations."venue${lib.optionalString (system == "aarch64-linux") "-aarch64"}".config.system.build.toplevel;
          vm-venue = vmTest ./tests/nixos/venue.nix;
          vm-cloud = vmTest ./tests/nixos/cloud.nix;
          vm-backup = vmTest ./tests/nixos/backup.nix;
        } // import ./nix/checks.nix { inherit lib pkgs craneLib build advisory-db; });

      devShells = forAllSystems (system: pkgs: {
        default = perSystem.${system}.craneLib.devShell {
          checks = lib.filterAttrs (n: _: builtins.elem n [ "clippy" "nextest" ]) self.checks.${system};
          packages = with pkgs; [
            rust-analyzer
            cargo-nextest
            cargo-audit
            postgresql
            redis
            caddy
            # promtool: pkgs/by-name/pr/prometheus/package.nix moves it to the `cli` output
            # (postInstall: moveToOutput bin/promtool $cli).
            prometheus.cli
            nixpkgs-fmt
            deadnix
            statix
            nixd
          ];
        };
      });

      formatter = forAllSystems (_system: pkgs: pkgs.nixpkgs-fmt);
    };
}
