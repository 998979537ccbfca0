# kiosk: /screen full-screen on the machine's own display (cage + Firefox).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.bingo;
  # pkgs/applications/networking/browsers/firefox/wrapper.nix: extraPolicies become the
  # distribution's policies.json and extraPrefs its autoconfig, so the kiosk's fresh profile
  # opens /screen itself: no first-run, what's-new or privacy-notice page over it.
  # Policy names: mozilla/policy-templates.
  firefox = pkgs.firefox.override {
    extraPolicies = {
      DisableTelemetry = true;
      DisableFirefoxStudies = true;
      DontCheckDefaultBrowser = true;
      OverrideFirstRunPage = "";
      OverridePostUpdatePage = "";
      NoDefaultBookmarks = true;
      UserMessaging = {
        WhatsNew = false;
        ExtensionRecommendations = false;
        FeatureRecommendations = false;
        MoreFromMozilla = false;
        SkipOnboarding = true;
      };
    };
    extraPrefs = ''
      lockPref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
      lockPref("browser.aboutwelcome.enabled", false);
      lockPref("browser.sessionstore.resume_from_crash", false);
    '';
  };
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
        exec ${firefox}/bin/firefox --kiosk --private-window ${lib.escapeShellArg cfg.kiosk.url}
      '';
    };
    systemd.services."cage-tty1".after = [ "caddy.service" ];
  };
}
