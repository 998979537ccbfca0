# kiosk: /screen full-screen on the machine's own display (cage + Firefox).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.bingo;
in
{
  config = lib.mkIf (cfg.enable && cfg.kiosk.enable) {
    users.users.bingo-kiosk = {
      isNormalUser = true;
      description = "Bingo projector kiosk";
    };
    services.cage = {
      enable = true;
      user = "bingo-kiosk";
      # -d: no client-side decorations; -s: allow VT switching (Ctrl+Alt+F2 for a console).
      extraArguments = [ "-d" "-s" ];
      program = pkgs.writeShellScript "bingo-kiosk" ''
        cd "$HOME"
        # Wait until Caddy answers, then show the screen app.
        until ${pkgs.curl}/bin/curl -fsS -o /dev/null ${lib.escapeShellArg cfg.kiosk.url}; do sleep 2; done
        exec ${pkgs.firefox}/bin/firefox --kiosk --private-window ${lib.escapeShellArg cfg.kiosk.url}
      '';
    };
    systemd.services."cage-tty1".after = [ "caddy.service" ];
  };
}
