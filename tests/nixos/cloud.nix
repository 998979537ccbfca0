# Cloud: Caddy serves HTTPS (its internal CA here, ACME in production) with the
# security headers, and the firewall opens only 22, 80 and 443.
{ self }:
{
  name = "bingo-cloud";

  nodes.server = { ... }: {
    imports = [ self.nixosModules.default ];
    virtualisation.memorySize = 2048;
    networking.hostName = "server";
    services.openssh.enable = true;
    networking.firewall.allowedTCPPorts = [ 22 ];
    services.bingo = {
      enable = true;
      adminPasswordFile = "/var/lib/bingo-secrets/admin-passphrase";
      initAdminPasswordFile = true;
      proxy = {
        domain = "server";
        tls = "internal";
      };
    };
  };

  nodes.client = { pkgs, ... }: {
    environment.systemPackages = [
      pkgs.curl
      pkgs.nmap
      (pkgs.python3.withPackages (ps: [ ps.websockets ]))
    ];
  };

  testScript = ''
    start_all()
    server.wait_for_unit("bingo.service")
    server.wait_for_unit("caddy.service")
    server.wait_for_open_port(443)

    with subtest("HTTPS with security headers and HSTS"):
        client.wait_until_succeeds("curl -ksSf https://server/health", timeout=60)
        headers = client.succeed("curl -ksS -D - -o /dev/null https://server/player/").lower()
        for h in ["strict-transport-security", "content-security-policy", "x-frame-options", "referrer-policy"]:
            assert h in headers, headers
        # The certificate comes from Caddy's internal CA.
        issuer = client.succeed("curl -kvsS -o /dev/null https://server/health 2>&1 | grep -i issuer")
        assert "caddy" in issuer.lower(), issuer

    with subtest("only 22, 80 and 443 are reachable"):
        scan = client.succeed("nmap -Pn -p 1-10000 server | grep open || true")
        ports = sorted(int(line.split('/')[0]) for line in scan.splitlines() if '/tcp' in line)
        assert ports == [22, 80, 443], scan

    with subtest("a game over HTTPS and WSS"):
        passphrase = server.succeed("cat /var/lib/bingo-secrets/admin-passphrase").strip()
        client.succeed(f"python3 ${./play.py} https://server '{passphrase}' --insecure")
  '';
}
