# Renders alertmanager.yml for the bingo platform. Uses builtins only, so that tests/nix can
# render it with a bare nix-instantiate and validate the exact text with `amtool check-config`,
# and tests/rehearsal/alerts.sh runs a real Alertmanager on it.
#
# One route, one receiver ("operators") with a webhook and/or e-mail; resolved notices are sent
# on both. Strings are written as JSON strings, which are YAML double-quoted scalars.
{ webhookUrl ? null
  # null, or { to, from, smarthost ("host:port"), username ? null, passwordFile ? null
  # (the path Alertmanager reads the password from), requireTls ? true }
, email ? null
, groupWait ? (import ./defaults.nix).groupWait
, groupInterval ? (import ./defaults.nix).groupInterval
, repeatInterval ? (import ./defaults.nix).repeatInterval
}:
let
  q = builtins.toJSON;
  lines = builtins.concatStringsSep "\n";
  optional = c: x: if c then [ x ] else [ ];
  emailOn = email != null;
  username = if emailOn then email.username or null else null;
  passwordFile = if emailOn then email.passwordFile or null else null;
in
lines ([
  "# alertmanager.yml for the bingo platform, rendered by modules/alertmanager/render.nix."
  "global:"
  "  resolve_timeout: 5m"
]
++ (if emailOn then [
  "  smtp_smarthost: ${q email.smarthost}"
  "  smtp_from: ${q email.from}"
  "  smtp_require_tls: ${if email.requireTls or true then "true" else "false"}"
]
++ optional (username != null) "  smtp_auth_username: ${q username}"
++ optional (passwordFile != null) "  smtp_auth_password_file: ${q passwordFile}"
else [ ])
++ [
  ""
  "route:"
  "  receiver: operators"
  # node: Prometheus' external label (one message per kind of alert and box).
  "  group_by: [\"alertname\", \"node\"]"
  "  group_wait: ${groupWait}"
  "  group_interval: ${groupInterval}"
  "  repeat_interval: ${repeatInterval}"
  ""
  "receivers:"
  "  - name: operators"
]
++ optional (webhookUrl != null) (lines [
  "    webhook_configs:"
  "      - url: ${q webhookUrl}"
  "        send_resolved: true"
])
++ optional emailOn (lines [
  "    email_configs:"
  "      - to: ${q email.to}"
  "        send_resolved: true"
])
++ [ "" ])
