# backup: a daily systemd timer running `bingo backup --dir DIR --retention-days N`, then
# backup-report.sh (privileged) copies the newest backup to the backup stick when one is
# configured and writes one status line (statusFile) that says what happened.
# bingo writes the metrics of a successful backup (last success time, size) to a file in its
# state directory (BINGO_BACKUP_METRICS_FILE); the unit, sandboxed, cannot write node-exporter's
# root-owned textfile directory itself, so a privileged ExecStartPost copies the file there.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.bingo;
  bcfg = cfg.backup;
  common = import ./common.nix { inherit config lib; };
  textfile = "/var/lib/prometheus-node-exporter-text/bingo_backup.prom";
  metricsFile = "${common.stateDir}/bingo_backup.prom";
  # The command line, its environment and the report's arguments, also rendered by
  # tests/rehearsal/backup.sh (builtins only).
  backupCommand = import ./backup-command.nix {
    bingo = "${cfg.package}/bin/bingo";
    inherit (bcfg) dir retentionDays statusFile;
    inherit metricsFile;
    stickLabel = if bcfg.stick.enable then bcfg.stick.label else null;
  };
  unitEnv = common.environment "bingo-backup.service" // backupCommand.environment // {
    # Not read by bingo: tells `nix run .#backup` (nix/backup-app.sh) where the status is.
    BINGO_BACKUP_STATUS_FILE = bcfg.statusFile;
  };

  report = pkgs.writeShellApplication {
    name = "bingo-backup-report";
    runtimeInputs = with pkgs; [ coreutils findutils util-linux ];
    text = builtins.readFile ./backup-report.sh;
  };
in
{
  config = lib.mkIf (cfg.enable && bcfg.enable) {
    systemd.services.bingo-backup = {
      description = "Bingo database backup";
      after = [ "bingo-migrate.service" ] ++ common.dependencies;
      requires = common.dependencies;
      startAt = bcfg.startAt;
      environment = unitEnv;
      serviceConfig = common.hardening // {
        Type = "oneshot";
        ReadWritePaths = [ "-${bcfg.dir}" ];
        # "+": runs privileged; creates the target directory for the dynamic user.
        ExecStartPre = "+${pkgs.writeShellScript "bingo-backup-dir" ''
          ${pkgs.coreutils}/bin/install -d -m 0750 ${lib.escapeShellArg bcfg.dir}
          ${pkgs.coreutils}/bin/chown bingo:bingo ${lib.escapeShellArg bcfg.dir} || true
        ''}";
        ExecStart = backupCommand.command;
        ExecStartPost = lib.optional cfg.observability.enable "+${pkgs.writeShellScript "bingo-backup-metric" ''
          ${pkgs.coreutils}/bin/install -m 0644 -T ${metricsFile} ${textfile}.tmp
          ${pkgs.coreutils}/bin/mv ${textfile}.tmp ${textfile}
        ''}";
        # After success and failure alike (systemd passes SERVICE_RESULT); never fails itself.
        ExecStopPost = "+${lib.getExe report} ${lib.escapeShellArgs backupCommand.reportArgs}";
      };
    };
    systemd.timers.bingo-backup.timerConfig.Persistent = true;
  };
}
