# Venue: the machine boots, every service comes up, and a second node on the same
# LAN resolves bingo.local over mDNS and plays a game over HTTP and WebSocket via Caddy.
{ self }:
{
  name = "bingo-venue";

  nodes.bingo = _: {
    imports = [ self.nixosModules.default ];
    networking.hostName = "bingo";
    virtualisation.memorySize = 3072;
    services.bingo = {
      enable = true;
      adminPasswordFile = "/var/lib/bingo-secrets/admin-passphrase";
      initAdminPasswordFile = true;
      mdns.enable = true;
      observability.enable = true;
      backup.dir = "/var/backup/bingo";
    };
  };

  nodes.player = { pkgs, ... }: {
    services.avahi = {
      enable = true;
      nssmdns4 = true;
    };
    environment.systemPackages = [
      pkgs.curl
      pkgs.avahi # avahi-resolve-host-name
      (pkgs.python3.withPackages (ps: [ ps.websockets ]))
    ];
  };

  testScript = ''
    start_all()

    with subtest("every service comes up"):
        for unit in ["postgresql.target", "redis-bingo.service", "bingo-migrate.service",
                     "bingo.service", "caddy.service", "avahi-daemon.service",
                     "prometheus.service", "grafana.service", "loki.service", "alloy.service"]:
            bingo.wait_for_unit(unit)
        bingo.wait_for_open_port(8080)
        bingo.wait_for_open_port(80)
        bingo.succeed("curl -fsS http://127.0.0.1:8080/health")
        bingo.wait_until_succeeds("curl -fsS http://127.0.0.1:8080/ready")
        bingo.succeed("systemctl list-timers bingo-backup.timer | grep bingo-backup")
        # Prometheus scrapes the service.
        # -g: no curl globbing ({...} would become a list of URLs, and Prometheus answer 400).
        bingo.wait_until_succeeds(
            "curl -fsSg 'http://127.0.0.1:9090/api/v1/query?query=up{job=\"bingo\"}' | grep -q '\"1\"'", timeout=120)

    with subtest("the unit is hardened and gets its secret as a credential"):
        props = bingo.succeed("systemctl show bingo.service -p DynamicUser -p ProtectSystem -p NoNewPrivileges -p LimitNOFILE")
        assert "DynamicUser=yes" in props and "ProtectSystem=strict" in props and "NoNewPrivileges=yes" in props, props
        bingo.fail("systemctl show bingo.service -p Environment | grep -i 'passphrase=[^/]'")

    passphrase = bingo.succeed("cat /var/lib/bingo-secrets/admin-passphrase").strip()

    with subtest("a player on the LAN resolves bingo.local over mDNS"):
        player.wait_for_unit("avahi-daemon.service")
        # The driver's /etc/hosts on the player names the nodes, not bingo.local: the answer
        # below comes from mDNS (nss-mdns), which is what a phone uses.
        player.fail("grep -w 'bingo[.]local' /etc/hosts")
        player.wait_until_succeeds("avahi-resolve-host-name -4 bingo.local", timeout=60)
        player.succeed("getent hosts bingo.local")

    with subtest("security headers through Caddy"):
        headers = player.succeed("curl -fsS -D - -o /dev/null http://bingo.local/player/")
        for h in ["content-security-policy", "x-frame-options", "referrer-policy"]:
            assert h in headers.lower(), headers
        assert "strict-transport-security" not in headers.lower(), headers
        player.fail("curl -fsS http://bingo.local/metrics")

    with subtest("the screen shows an address phones without mDNS can use"):
        ip = player.succeed("getent hosts bingo.local | cut -d' ' -f1").strip()
        config = player.succeed("curl -fsS http://bingo.local/api/v1/web/config")
        assert f"http://{ip}" in config, config
        player.succeed(f"curl -fsS http://{ip}/player/")

    with subtest("play a game over HTTP and WebSocket through Caddy"):
        player.succeed(f"python3 ${./play.py} http://bingo.local '{passphrase}'")

    with subtest("the admin passphrase is in no log (the journal goes to Loki)"):
        bingo.fail(f"journalctl -b --no-pager | grep -qF '{passphrase}'")
  '';
}
