# Evaluates the machines of nixos/ (venue, cloud) and their image variants with nixpkgs' lib
# against stubs (stubs.nix, machine-stubs.nix, and below one stub per nixpkgs image module,
# each holding what that module sets that the machines interact with: disk layout, boot
# loader, host name). Returns the list of broken expectations (empty when all hold).
#   nix-instantiate --eval --strict --json tests/nix/machines.nix --arg nixlib /path/to/lib
{ nixlib }:
let
  lib = import nixlib;
  repo = ../..;

  fake = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
  pkgs = lib.genAttrs
    [ "coreutils" "findutils" "util-linux" "curl" "jq" "htop" "firefox" "postgresql" "qrencode" "iproute2" "gnugrep" "gawk" "systemd" "shadow" "ncurses" "e2fsprogs" "parted" "dosfstools" ]
    fake // {
    writeText = name: _text: "/nix/store/00000000000000000000000000000000-${name}";
    writeShellScript = name: _text: "/nix/store/00000000000000000000000000000000-${name}";
    writeShellApplication = { name, ... }: fake name // { meta.mainProgram = name; };
    # The Firefox wrapper is overridable (extraPolicies, extraPrefs).
    firefox = fake "firefox" // { override = _: fake "firefox-kiosk"; };
  };

  root = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };
  # What each nixpkgs image module sets that the machines interact with.
  imageStubs = {
    # nixos/modules/virtualisation/amazon-image.nix (x86_64: ec2.efi false)
    amazon = { fileSystems."/" = lib.mkDefault root; boot.growPartition = true; boot.loader.grub.device = "/dev/xvda"; networking.hostName = lib.mkDefault ""; };
    # nixos/modules/virtualisation/google-compute-config.nix
    google-compute = { fileSystems."/" = root; boot.growPartition = true; boot.loader.grub.device = "/dev/sda"; networking.hostName = lib.mkDefault ""; networking.firewall.enable = lib.mkDefault false; };
    # nixos/modules/virtualisation/openstack-config.nix (openstack.efi false)
    openstack = { fileSystems."/" = root; boot.growPartition = true; boot.loader.grub.device = "/dev/vda"; networking.hostName = lib.mkDefault ""; };
    # nixos/modules/virtualisation/azure-common.nix
    azure = { fileSystems."/" = root; boot.growPartition = true; boot.loader.grub.device = "/dev/sda"; networking.hostName = lib.mkDefault ""; };
    # nixos/modules/virtualisation/disk-image.nix (image.efiSupport = true)
    qemu-efi = diskImage;
    raw-efi = diskImage;
    # nixos/modules/installer/cd-dvd/iso-image.nix (config.lib.isoFileSystems)
    iso = {
      fileSystems = {
        "/" = lib.mkImageMediaOverride { fsType = "tmpfs"; options = [ "mode=0755" ]; };
        "/iso" = lib.mkImageMediaOverride { device = "/dev/root"; neededForBoot = true; noCheck = true; };
        "/nix/.ro-store" = lib.mkImageMediaOverride { fsType = "squashfs"; device = "/iso/nix-store.squashfs"; options = [ "loop" ]; neededForBoot = true; };
        "/nix/.rw-store" = lib.mkImageMediaOverride { fsType = "tmpfs"; options = [ "mode=0755" ]; neededForBoot = true; };
        "/nix/store" = lib.mkImageMediaOverride { fsType = "overlay"; device = "overlay"; };
      };
      boot.loader.grub.enable = false;
    };
  };
  diskImage = {
    boot.loader.systemd-boot.enable = lib.mkDefault true;
    boot.growPartition = lib.mkDefault true;
    fileSystems = lib.mkImageMediaOverride {
      "/" = root;
      "/boot" = { device = "/dev/disk/by-label/ESP"; fsType = "vfat"; };
    };
  };

  baseModules = machine: [
    ./stubs.nix
    ./machine-stubs.nix
    (repo + "/modules")
    (repo + "/nixos/common.nix")
    (repo + "/nixos/${machine}.nix")
    {
      _module.args.pkgs = pkgs;
      services.bingo = {
        package = fake "bingo";
        observability.rulesDir = toString (repo + "/modules/observability/rules");
        observability.dashboardsDir = toString (repo + "/modules/observability/dashboards");
      };
    }
  ];
  specialArgs.modulesPath = toString ./machine-modules;
  evalBase = machine: lib.evalModules { modules = baseModules machine; inherit specialArgs; };
  # images.nix: `extendModules { modules = [ module ]; }` with the variant's image.modules entry.
  evalVariant = machine: variant: lib.evalModules {
    modules = baseModules machine ++ [ imageStubs.${variant} ((evalBase machine).config.image.modules.${variant} or { }) ];
    inherit specialArgs;
  };

  facts = cfg: {
    failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) cfg.assertions);
    hostName = cfg.networking.hostName;
    nodeId = cfg.services.bingo.nodeId;
    fileSystems = lib.attrNames cfg.fileSystems;
    rootFsType = cfg.fileSystems."/".fsType;
    systemdBoot = cfg.boot.loader.systemd-boot.enable;
    grub = cfg.boot.loader.grub.enable;
    growPartition = cfg.boot.growPartition;
    units = lib.attrNames cfg.systemd.services;
    backupStick = cfg.services.bingo.backup.stick.enable;
  };

  machines = {
    venue = facts (evalBase "venue").config;
    venue-iso = facts (evalVariant "venue" "iso").config;
    venue-raw-efi = facts (evalVariant "venue" "raw-efi").config;
    cloud = facts (evalBase "cloud").config;
  } // lib.genAttrs [ "amazon" "google-compute" "openstack" "azure" "qemu-efi" ]
    (v: facts (evalVariant "cloud" v).config);
  cloudVariant = v: machines.${v};

  expect = cond: msg: if cond then [ ] else [ msg ];
  failures = lib.concatLists (lib.mapAttrsToList (n: m: expect (m.failedAssertions == [ ]) "${n}: failed assertions ${toString m.failedAssertions}") machines)
    ++ expect (machines.venue.hostName == "bingo") "venue: hostName"
    ++ expect (machines.venue.systemdBoot && lib.elem "/boot" machines.venue.fileSystems && machines.venue.growPartition) "venue (installed): systemd-boot, /boot and growPartition"
    ++ expect (!(lib.elem "/boot" machines.venue-iso.fileSystems)) "venue ISO: no /boot (it would hang the boot where no ESP label exists)"
    ++ expect (!(lib.elem "/var/lib" machines.venue-iso.fileSystems) && !(lib.elem "/var/lib" machines.venue.fileSystems)) "venue: no /var/lib mount (StateDirectory units would require it)"
    ++ expect (!(lib.any (lib.hasPrefix "/mnt") machines.venue.fileSystems)) "venue: the backup stick is no fileSystems entry (mounted by the backup report only)"
    ++ expect (!machines.venue-iso.growPartition && !machines.venue-iso.systemdBoot && machines.venue-iso.rootFsType == "tmpfs") "venue ISO: tmpfs root, no growPartition, no systemd-boot"
    ++ expect (lib.elem "bingo-data" machines.venue-iso.units && !(lib.elem "bingo-data" machines.venue.units)) "venue ISO: bingo-data keeps state on BINGODATA (ISO only)"
    ++ expect (lib.all (u: lib.elem u machines.venue.units) [ "bingo-operator-menu" "bingo-backup" ]) "venue: operator menu and backup units"
    ++ expect machines.venue.backupStick "venue: backups copied to the stick"
    ++ expect (machines.venue-raw-efi.systemdBoot && lib.elem "/boot" machines.venue-raw-efi.fileSystems) "venue USB image: systemd-boot with its ESP"
    ++ expect (machines.cloud.hostName == "bingo-cloud" && machines.cloud.systemdBoot) "cloud (generic UEFI VM): name and systemd-boot"
    ++ expect (machines.qemu-efi.systemdBoot && lib.elem "/boot" machines.qemu-efi.fileSystems) "cloud qemu-efi image: systemd-boot with its ESP"
    ++ lib.concatMap
    (v:
      let m = cloudVariant v; in
      expect (m.hostName == "" && m.nodeId == "bingo") "${v}: host name from the provider, node id bingo"
        ++ expect (!m.systemdBoot && m.grub) "${v}: grub, not systemd-boot"
        ++ expect (!(lib.elem "/boot" m.fileSystems)) "${v}: no /boot (no ESP on its legacy disk)")
    [ "amazon" "google-compute" "openstack" "azure" ];
in
{ inherit failures machines; }
