# Renders prometheus.yml.template. Uses builtins only, so that tests/nix can render
# it with a bare nix-instantiate and validate the exact text with promtool.
{ node
, rulesDir
, bingoTargets
, nodeTargets ? [ ]
, postgresTargets ? [ ]
, redisTargets ? [ ]
, caddyTargets ? [ ]
, lokiTargets ? [ ]
  # Where Prometheus sends its alerts (services.bingo.observability.alerting): none by default.
, alertmanagerTargets ? [ ]
}:
let
  template = builtins.readFile ./prometheus.yml.template;
  # A YAML flow sequence of quoted strings, e.g. ["127.0.0.1:8080"].
  list = xs: "[${builtins.concatStringsSep ", " (map (x: ''"${x}"'') xs)}]";
  subst = {
    NODE = node;
    RULES_DIR = toString rulesDir;
    BINGO_TARGETS = list bingoTargets;
    NODE_TARGETS = list nodeTargets;
    POSTGRES_TARGETS = list postgresTargets;
    REDIS_TARGETS = list redisTargets;
    CADDY_TARGETS = list caddyTargets;
    LOKI_TARGETS = list lokiTargets;
    ALERTMANAGER_TARGETS = list alertmanagerTargets;
  };
  names = builtins.attrNames subst;
in
builtins.replaceStrings (map (n: "@${n}@") names) (map (n: subst.${n}) names) template
