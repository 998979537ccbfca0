# Backup: back up, wipe the database, restore, and find the game again.
{ self }:
{
  name = "bingo-backup";

  nodes.machine = { pkgs, ... }: {
    imports = [ self.nixosModules.default ];
    virtualisation.memorySize = 2048;
    services.bingo = {
      enable = true;
      adminPasswordFile = "/var/lib/bingo-secrets/admin-passphrase";
      initAdminPasswordFile = true;
      backup = {
        dir = "/var/backup/bingo";
        retentionDays = 7;
      };
    };
    environment.systemPackages = [ pkgs.curl pkgs.jq ];
  };

  testScript = { nodes, ... }: ''
    import json
    machine.wait_for_unit("bingo.service")
    machine.wait_for_open_port(80)
    # Caddy's port answers before bingo listens: wait for bingo itself, or the first call is a 502.
    machine.wait_for_open_port(8080)
    machine.wait_until_succeeds("curl -fsS http://127.0.0.1:8080/ready")
    passphrase = machine.succeed("cat /var/lib/bingo-secrets/admin-passphrase").strip()

    def api(method, path, body=None, token=None):
        cmd = f"curl -fsS -X {method} -H 'Content-Type: application/json' http://127.0.0.1{path}"
        if token:
            cmd += f" -H 'Authorization: Bearer {token}'"
        if body is not None:
            cmd += f" -d '{json.dumps(body)}'"
        return json.loads(machine.succeed(cmd) or "{}")

    token = api("POST", "/api/v1/admin/login", {"passphrase": passphrase})["token"]
    game = api("POST", "/api/v1/games", {}, token)

    with subtest("the timer's service writes a backup"):
        machine.succeed("systemctl start bingo-backup.service")
        machine.succeed("ls /var/backup/bingo | grep -q .")
        # bingo-<UTC time>.pgdump beside its .manifest.json and .sha256; names sort by time.
        backup = machine.succeed("ls /var/backup/bingo | grep '[.]pgdump$' | tail -n1").strip()
        machine.succeed(f"cd /var/backup/bingo && sha256sum -c {backup}.sha256")

    with subtest("wipe"):
        machine.succeed("systemctl stop bingo.service")
        machine.succeed("sudo -u postgres psql -c 'DROP DATABASE bingo WITH (FORCE)'")
        machine.succeed("sudo -u postgres psql -c 'CREATE DATABASE bingo OWNER bingo'")

    with subtest("restore"):
        # `nix run .#restore` runs the same command; here as the service's user, which needs
        # CREATEDB (the module grants it) and a writable backup dir (the safety backup).
        machine.succeed(
            "systemd-run --wait --collect -p DynamicUser=yes -p User=bingo "
            "-p ReadWritePaths=/var/backup/bingo "
            "-E BINGO_DATABASE_URL='postgres:///bingo?host=/run/postgresql' "
            # systemd-run's PATH has no PostgreSQL tools: bingo takes them from this directory.
            "-E BINGO_PG_BIN_DIR=${nodes.machine.services.postgresql.package}/bin "
            f"${nodes.machine.services.bingo.package}/bin/bingo restore /var/backup/bingo/{backup} --yes"
        )
        machine.succeed("ls /var/backup/bingo | grep -q -- -before-restore.pgdump")
        machine.succeed("sudo -u postgres psql -Atc \"SELECT datname FROM pg_database\" | grep -q '^bingo_old_'")
        machine.succeed("systemctl start bingo.service")
        machine.wait_for_open_port(8080)
        machine.wait_until_succeeds("curl -fsS http://127.0.0.1:8080/ready")
        token = api("POST", "/api/v1/admin/login", {"passphrase": passphrase})["token"]
        machine.succeed(f"curl -fsS -H 'Authorization: Bearer {token}' http://127.0.0.1/api/v1/games/{game['id']}")
  '';
}
