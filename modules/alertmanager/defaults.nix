# Timings of the alert route, shared by the options' defaults (modules/bingo/alerting.nix) and the
# renderer's (render.nix), so that a rehearsal rendering with no timing arguments gets exactly
# what the module deploys by default.
{
  # Wait this long after a group's first alert before notifying, so that alerts that start
  # together (a whole box going down) arrive in one message.
  groupWait = "30s";
  # Then notify about changes in the group (new alerts, resolved ones) at most this often: the
  # "resolved" notice waits for the next such tick (Alertmanager's own default is 5m).
  groupInterval = "1m";
  # Repeat a notification for alerts still firing after this long.
  repeatInterval = "4h";
}
