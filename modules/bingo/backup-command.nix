# What the backup unit (backup.nix) runs, as plain strings. Uses builtins only, so that
# tests/rehearsal/backup.sh renders the very same command line with a bare nix-instantiate (bingo =
# target/debug/bingo) and runs it against a real database.
#   command:     ExecStart of bingo-backup.service
#   environment: what the command needs on top of the environment of every bingo unit
#                (common.nix: database URL, BINGO_PG_BIN_DIR, ...)
#   reportArgs:  the arguments of backup-report.sh, run as ExecStopPost with SERVICE_RESULT set
{ bingo # the bingo executable
, dir
, retentionDays
, metricsFile
, statusFile
, stickLabel ? null # null: no backup stick
}:
let
  # As nixpkgs' lib.escapeShellArg (lib/strings.nix): safe strings stay bare, others quoted.
  escape = s:
    if builtins.match "[[:alnum:],._+:@%/-]+" s != null then s
    else "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] s}'";
  days = toString retentionDays;
in
{
  command = "${bingo} backup --dir ${escape dir} --retention-days ${days}";
  environment.BINGO_BACKUP_METRICS_FILE = metricsFile;
  reportArgs = [ statusFile dir ] ++ (if stickLabel != null then [ stickLabel days ] else [ ]);
}
