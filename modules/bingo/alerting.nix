# alerting: the alert rules' notifications reach the operators. Prometheus (observability.nix)
# sends its alerts to a local Alertmanager, which groups them and notifies one receiver,
# "operators": a webhook and/or e-mail, with a "resolved" notice when an alert ends.
#
# nixpkgs' nixos/modules/services/monitoring/prometheus/alertmanager.nix (read at a 2025 revision;
# the stored copies predate nixos-26.05): configText is written to the store, checked with
# `amtool check-config` at build time (checkConfig, default true), then run through envsubst in
# preStart with environmentFile's variables (so a `$` in it would be substituted: asserted
# below); the unit has DynamicUser, so a secret file is passed with LoadCredential= and named in
# the config (`smtp_auth_password_file`), never copied to the store. Its listenAddress defaults to
# every interface and it starts a gossip cluster on 0.0.0.0:9094: both are kept on loopback/off.
# nixos/modules/services/monitoring/prometheus/default.nix uses configText verbatim when set, so
# its `alertmanagers` option is ignored here: the target is in the rendered prometheus.yml.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.bingo;
  acfg = cfg.observability.alerting;
  ecfg = acfg.email;
  defaults = import ../alertmanager/defaults.nix;
  absPath = types.strMatching "/.+";
  duration = types.strMatching "([0-9]+(ms|s|m|h|d|w|y))+";
  credential = "/run/credentials/alertmanager.service/smtp-password";
  emailOn = ecfg.to != null;

  rendered = import ../alertmanager/render.nix {
    webhookUrl = acfg.webhook.url;
    email =
      if emailOn then {
        inherit (ecfg) to from smarthost username;
        passwordFile = if ecfg.passwordFile != null then credential else null;
        requireTls = ecfg.requireTLS;
      } else null;
    inherit (acfg) groupWait groupInterval repeatInterval;
  };
in
{
  options.services.bingo.observability.alerting = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Send the alerts of the rules (modules/observability/rules) to the operators: a local
        Alertmanager (services.prometheus.alertmanager, on 127.0.0.1:9093) notifies
        {option}`services.bingo.observability.alerting.webhook.url` and/or
        {option}`services.bingo.observability.alerting.email.to` when an alert fires and when it
        is resolved. Needs {option}`services.bingo.observability.enable` and at least one receiver.
      '';
    };

    webhook.url = mkOption {
      type = types.nullOr (types.strMatching "https?://.+");
      default = null;
      example = "http://192.0.2.10:9099/alerts";
      description = ''
        URL that receives each notification as a POST of Alertmanager's webhook JSON (status,
        alerts with their labels and annotations). Not a secret: it is written to the
        world-readable Nix store, so use a URL without a token in it (e.g. a relay on the
        operators' network); for a secret channel use e-mail, whose password comes from a file.
      '';
    };

    email = {
      to = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "ops@example.org";
        description = "Address that receives the notifications by e-mail (null: no e-mail).";
      };
      from = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "bingo-alerts@example.org";
        description = "Sender address of the notifications (required with email.to).";
      };
      smarthost = mkOption {
        type = types.nullOr (types.strMatching ".+:[0-9]+");
        default = null;
        example = "smtp.example.org:587";
        description = "SMTP server as host:port (required with email.to).";
      };
      username = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "SMTP user name; null sends without authentication.";
      };
      passwordFile = mkOption {
        type = types.nullOr absPath;
        default = null;
        example = "/run/secrets/smtp-password";
        description = ''
          Root-readable file holding the SMTP password (an absolute path as a string, never
          copied to the Nix store). Passed to Alertmanager as the systemd credential
          `smtp-password` and read when a mail is sent.
        '';
      };
      requireTLS = mkOption {
        type = types.bool;
        default = true;
        description = "Require STARTTLS to the smarthost.";
      };
    };

    groupWait = mkOption {
      type = duration;
      default = defaults.groupWait;
      description = "How long Alertmanager waits after the first alert of a group (an alert name on this node) before notifying, to send alerts that start together in one message.";
    };
    groupInterval = mkOption {
      type = duration;
      default = defaults.groupInterval;
      description = "How often changes to a group (new or resolved alerts) are notified at most; a resolved notice waits for the next tick.";
    };
    repeatInterval = mkOption {
      type = duration;
      default = defaults.repeatInterval;
      description = "After how long a notification about alerts still firing is sent again.";
    };

    renderedConfig = mkOption {
      type = types.str;
      readOnly = true;
      internal = true;
      description = "The alertmanager.yml text this module deploys (read by tests/nix to validate it with amtool).";
    };
  };

  config = lib.mkMerge [
    { services.bingo.observability.alerting.renderedConfig = rendered; }
    (lib.mkIf (cfg.enable && acfg.enable) {
      assertions = [
        {
          assertion = cfg.observability.enable;
          message = "services.bingo.observability.alerting needs services.bingo.observability.enable (Prometheus evaluates the alert rules).";
        }
        {
          assertion = acfg.webhook.url != null || emailOn;
          message = "services.bingo.observability.alerting: set webhook.url or email.to, or nobody is notified.";
        }
        {
          assertion = !emailOn || (ecfg.from != null && ecfg.smarthost != null);
          message = "services.bingo.observability.alerting.email: from and smarthost must be set with email.to.";
        }
        {
          assertion = ecfg.passwordFile == null || ecfg.username != null;
          message = "services.bingo.observability.alerting.email.passwordFile needs email.username.";
        }
        {
          assertion = ecfg.passwordFile == null || !lib.hasPrefix builtins.storeDir ecfg.passwordFile;
          message = "services.bingo.observability.alerting.email.passwordFile must not be in the Nix store, which is world-readable.";
        }
        {
          assertion = !lib.hasInfix "$" rendered;
          message = "services.bingo.observability.alerting: no `$` in the webhook URL or e-mail settings (the alertmanager unit runs its configuration through envsubst).";
        }
      ];

      services.prometheus.alertmanager = {
        enable = true;
        listenAddress = "127.0.0.1";
        port = 9093;
        configText = rendered;
        # One box: no gossip cluster (it would listen on 0.0.0.0:9094 and wait for peers).
        extraFlags = [ "--cluster.listen-address=" ];
      };

      systemd.services.alertmanager.serviceConfig.LoadCredential =
        lib.optional (ecfg.passwordFile != null) "smtp-password:${ecfg.passwordFile}";
    })
  ];
}
