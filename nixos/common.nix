# Shared by the venue and cloud machines.
{ lib, pkgs, ... }:
{
  system.stateVersion = "26.05";

  nix.settings = {
    experimental-features = [ "nix-command" "flakes" ];
    trusted-users = [ "root" "@wheel" ];
  };

  services.bingo = {
    enable = true;
    adminPasswordFile = lib.mkDefault "/var/lib/bingo-secrets/admin-passphrase";
    initAdminPasswordFile = lib.mkDefault true;
    observability.enable = lib.mkDefault true;
  };

  services.openssh = {
    enable = true;
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = "prohibit-password";
    };
  };

  networking.firewall.enable = true;
  networking.nftables.enable = true;

  time.timeZone = lib.mkDefault "UTC";
  i18n.defaultLocale = "en_US.UTF-8";

  environment.systemPackages = with pkgs; [ curl jq htop ];

  # Keep the journal bounded on small disks.
  services.journald.extraConfig = "SystemMaxUse=500M";
}
