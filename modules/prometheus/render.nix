# Renders prometheus.yml.template. Pure (needs only lib), so that tests/nix can
# evaluate it without nixpkgs and validate the exact text with promtool.
{ lib }:
{ node
, rulesDir
, bingoTargets
, nodeTargets ? [ ]
, postgresTargets ? [ ]
, redisTargets ? [ ]
, caddyTargets ? [ ]
, lokiTargets ? [ ]
}:
let
  template = builtins.readFile ./prometheus.yml.template;
  # A YAML flow sequence of quoted strings, e.g. ["127.0.0.1:8080"].
  list = xs: "[${lib.concatMapStringsSep ", " (x: ''"${x}"'') xs}]";
  subst = {
    NODE = node;
    RULES_DIR = toString rulesDir;
    BINGO_TARGETS = list bingoTargets;
    NODE_TARGETS = list nodeTargets;
    POSTGRES_TARGETS = list postgresTargets;
    REDIS_TARGETS = list redisTargets;
    CADDY_TARGETS = list caddyTargets;
    LOKI_TARGETS = list lokiTargets;
  };
  names = lib.attrNames subst;
in
builtins.replaceStrings (map (n: "@${n}@") names) (map (n: subst.${n}) names) template
