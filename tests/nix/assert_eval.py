"""Assertions on the JSON produced by tests/nix/eval.nix; writes the rendered
Caddyfiles and prometheus.yml files next to it for caddy/promtool."""
import json
import pathlib
import sys

d = json.loads(pathlib.Path(sys.argv[1]).read_text())
out = pathlib.Path(sys.argv[2])
errors = []


def expect(cond, msg):
    if not cond:
        errors.append(msg)


for scenario in ("venue", "split", "cloud", "internal", "ipv6"):
    expect(d[scenario]["failed"] == [], f"{scenario}: unexpected failed assertions {d[scenario]['failed']}")
    (out / f"module-{scenario}.Caddyfile").write_text(d[scenario]["caddyfile"])
for scenario in ("venue", "split", "alerting"):
    (out / f"module-{scenario}.prometheus.yml").write_text(d[scenario]["prometheusYml"])
(out / "module-alerting.alertmanager.yml").write_text(d["alerting"]["alertmanager"]["configText"])

# Negative cases: clear assertion messages.
expect(any("adminPasswordFile is not set" in m for m in d["noPassword"]["failed"]), "no assertion for a missing adminPasswordFile")
expect(any("must not be in the Nix store" in m for m in d["storeSecret"]["failed"]), "no assertion for a secret in the store")
expect(any("needs Redis" in m for m in d["splitWithoutRedis"]["failed"]), "no assertion for split mode without Redis")
expect(any("database.urlFile must be set" in m for m in d["remoteDbWithoutUrl"]["failed"]), "no assertion for a remote DB without urlFile")

v = d["venue"]
sc = v["bingo"]["serviceConfig"]
env = v["bingo"]["environment"]
expect(sc["ExecStart"].endswith("/bin/bingo serve"), f"venue ExecStart {sc['ExecStart']}")
for key, want in {
    "DynamicUser": True, "User": "bingo", "StateDirectory": "bingo", "ProtectSystem": "strict",
    "NoNewPrivileges": True, "Restart": "on-failure", "MemoryMax": "1G", "PrivateTmp": True,
    "CapabilityBoundingSet": [""], "SystemCallArchitectures": "native",
}.items():
    expect(sc.get(key) == want, f"venue bingo.service {key}={sc.get(key)!r}, want {want!r}")
expect(sc["LimitNOFILE"] >= 65536, "LimitNOFILE too low")
expect("@system-service" in sc["SystemCallFilter"], "no syscall filter")
expect(sc["LoadCredential"] == ["admin-passphrase:/var/lib/bingo-secrets/admin-passphrase"], f"LoadCredential {sc['LoadCredential']}")
expect(sc["SupplementaryGroups"] == ["redis-bingo"], "no access to the redis socket")
expect(env["BINGO_ADMIN_PASSPHRASE_FILE"] == "/run/credentials/bingo.service/admin-passphrase", "passphrase env")
expect(env["BINGO_LISTEN"] == "127.0.0.1:8080", "listen")
expect(env["BINGO_DATABASE_URL"].startswith("postgres:///bingo?host=/run/postgresql"), "database url")
expect(env["BINGO_REDIS_URL"] == "unix:///run/redis-bingo/redis.sock", "redis url")
expect(env["BINGO_PUBLIC_URL"] == "http://bingo.local", env["BINGO_PUBLIC_URL"])
expect(env["BINGO_LOKI_URL"] == "http://127.0.0.1:3100", "loki url")
expect(not any("PASSPHRASE=" in k or "passphrase" in str(val).lower() and not str(val).startswith("/run/credentials") for k, val in env.items()), "secret in environment")
for dep in ("postgresql.target", "redis-bingo.service", "bingo-migrate.service"):
    expect(dep in v["bingo"]["after"] and dep in v["bingo"]["requires"], f"bingo.service not ordered after {dep}")
expect(v["migrate"]["serviceConfig"]["ExecStart"].endswith("/bin/bingo migrate"), "migrate ExecStart")
expect(v["migrate"]["serviceConfig"]["Type"] == "oneshot", "migrate is a oneshot")
expect("bingo-secrets" in v["units"], "no first-boot passphrase generator")
expect(v["backup"]["serviceConfig"]["ExecStart"].endswith("/bin/bingo backup --dir /var/backup/bingo --retention-days 30"), v["backup"]["serviceConfig"]["ExecStart"])
expect(v["backup"]["startAt"] == "*-*-* 03:30:00", "backup timer")
expect(v["backup"]["environment"]["BINGO_BACKUP_METRICS_FILE"] == "/var/lib/bingo/bingo_backup.prom", "backup metrics file")
expect(any("bingo-backup-metric" in x for x in v["backup"]["serviceConfig"]["ExecStartPost"]), "backup metric copied to the textfile collector")
expect(v["postgresql"]["enable"] and v["postgresql"]["ensureDatabases"] == ["bingo"], "postgresql database")
expect(v["postgresql"]["ensureUsers"] == [{"name": "bingo", "ensureDBOwnership": True, "ensureClauses": {"createdb": True}}], "postgresql role (CREATEDB for bingo restore's side database)")
expect(v["redis"]["enable"] and v["redis"]["port"] == 0, "redis server")
expect(v["caddy"]["enable"] and v["caddy"]["adapter"] == "caddyfile", "caddy")
expect(v["firewallTCP"] == [80], f"venue firewall {v['firewallTCP']}")
expect(v["avahi"]["enable"] and v["avahi"]["nssmdns4"] and v["avahi"]["publish"]["addresses"] and v["avahi"]["openFirewall"], "avahi")
expect(v["prometheus"]["enable"] and v["prometheus"]["listenAddress"] == "127.0.0.1", "prometheus")
expect(all(v["prometheus"]["exporters"].values()), f"exporters {v['prometheus']['exporters']}")
g = v["grafana"]
expect(g["settings"]["security"]["secret_key"].startswith("$__file{"), "grafana secret_key must come from a file")
expect(g["settings"]["security"]["admin_password"].startswith("$__file{"), "grafana admin password must come from a file")
ds = {x["type"] for x in g["provision"]["datasources"]["settings"]["datasources"]}
expect(ds == {"prometheus", "loki"}, f"datasources {ds}")
expect(g["provision"]["dashboards"]["settings"]["providers"][0]["options"]["path"].endswith("modules/observability/dashboards"), "dashboards path")
expect(any(c.startswith("secret-key:") for c in v["grafanaUnit"]["serviceConfig"]["LoadCredential"]), "grafana credentials")
expect(v["loki"] and v["alloy"], "loki/alloy")
expect(v["cage"] == {"enable": True, "user": "bingo-kiosk"}, "kiosk")
expect(":80 {" in v["caddyfile"] and "Strict-Transport-Security" not in v["caddyfile"], "venue caddyfile")

# Findings of the reading against nixpkgs (issue 12), one line each.
expect("AF_NETLINK" in sc["RestrictAddressFamilies"], "getifaddrs needs AF_NETLINK (the join addresses on /screen)")
expect(env.get("BINGO_LAN_PORT") == "80", "venue: /screen lists http://<box IP> on Caddy's port")
expect(env.get("BINGO_TRUSTED_PROXIES") == "127.0.0.1,::1", "rate limits count players behind the local Caddy")
expect(env["BINGO_PG_BIN_DIR"].endswith("-postgresql/bin"), "pg_dump/pg_restore by path, not PATH")
expect(v["backup"]["environment"]["BINGO_PG_BIN_DIR"] == env["BINGO_PG_BIN_DIR"], "backup unit finds the PostgreSQL tools")
expect("$pass" not in v["secretsScript"].split("> ")[-1] and "passphrase is" not in v["secretsScript"], "the admin passphrase must never be printed (journal -> Loki)")
stop_post = v["backup"]["serviceConfig"]["ExecStopPost"]
expect(stop_post.startswith("+") and stop_post.endswith("bingo-backup-report /run/bingo-backup/status /var/backup/bingo BINGOBACKUP 30"), f"backup report: {stop_post}")
expect('install -d -m 0700 "$(dirname "$f")"' in v["grafanaSecretsScript"], "grafana secrets: parent directory of each file created")
i6 = d["ipv6"]
expect(i6["bingo"]["environment"]["BINGO_NODE_ID"] == "bingo", "empty hostName (cloud images) gives node id bingo")
expect("reverse_proxy [::1]:8080" in i6["caddyfile"], "IPv6 upstream bracketed")
expect('"[::1]:8080"' in i6["prometheusYml"], "IPv6 scrape target bracketed and where bingo listens")
expect("/etc/grafana-keys/secret" in i6["grafanaSecretsScript"], "custom grafana secret path")
expect("includeSubDomains" not in d["cloud"]["caddyfile"], "HSTS includeSubDomains only when asked")
expect(d["cloud"]["firewallUDP"] == [443], f"HTTP/3: UDP 443 open on TLS hosts ({d['cloud']['firewallUDP']})")
for name in ("venue", "split", "cloud", "internal", "ipv6"):
    expect("@csp not path /grafana /grafana/*" in d[name]["caddyfile"], f"{name}: the apps' CSP must not cover /grafana")

s = d["split"]
for u in ("bingo-api", "bingo-realtime-1", "bingo-realtime-2", "bingo-realtime-3", "bingo-migrate"):
    expect(u in s["units"], f"split: no {u}")
expect("bingo" not in s["units"], "split: bingo.service must not exist")
expect(s["api"]["serviceConfig"]["ExecStart"].endswith("/bin/bingo api"), "api ExecStart")
expect(s["rt3"]["serviceConfig"]["ExecStart"].endswith("/bin/bingo realtime"), "realtime ExecStart")
expect(s["rt3"]["environment"]["BINGO_LISTEN"] == "127.0.0.1:8102", "realtime 3 port")
expect(s["rt3"]["environment"]["BINGO_NODE_ID"] == "bingo-rt3", "realtime node id")
expect("reverse_proxy 127.0.0.1:8100 127.0.0.1:8101 127.0.0.1:8102" in s["caddyfile"], "ws upstreams")
expect('"127.0.0.1:8102"' in s["prometheusYml"], "realtime scrape targets")

c = d["cloud"]
csc = c["bingo"]["serviceConfig"]
expect(sorted(csc["LoadCredential"]) == ["admin-passphrase:/run/secrets/admin", "database-url:/run/secrets/db-url", "redis-url:/run/secrets/redis-url"], csc["LoadCredential"])
expect(c["bingo"]["environment"]["BINGO_DATABASE_URL_FILE"] == "/run/credentials/bingo.service/database-url", "db url file")
expect("BINGO_DATABASE_URL" not in c["bingo"]["environment"], "remote db url must not be in the environment")
expect(not c["postgresql"] and c["redisServers"] == [], "cloud with remote DB must not create local ones")
expect(sorted(c["firewallTCP"]) == [80, 443], f"cloud firewall {c['firewallTCP']}")
expect("bingo.example.org {" in c["caddyfile"] and "Strict-Transport-Security" in c["caddyfile"] and "email ops@example.org" in c["caddyfile"], "cloud caddyfile")
# proxy.acmeCA / acmeCARoot: Caddy's global acme_ca / acme_ca_root (tests/rehearsal/cloud.sh uses them with pebble).
expect("\tacme_ca https://acme-staging-v02.api.letsencrypt.org/directory\n" in c["caddyfile"] and "acme_ca_root" not in c["caddyfile"], "cloud: acme_ca from proxy.acmeCA")
pa = d["privateAcme"]
expect(pa["failed"] == [], f"privateAcme: unexpected failed assertions {pa['failed']}")
expect("\tacme_ca https://ca.example.org/acme/directory\n\tacme_ca_root /etc/ssl/acme-root.pem\n" in pa["caddyfile"], "private ACME CA: acme_ca and acme_ca_root")
for name in ("venue", "split", "internal", "ipv6"):
    expect("acme_ca" not in d[name]["caddyfile"], f"{name}: acme_ca without proxy.acmeCA")
expect(any("only apply with services.bingo.proxy.tls" in m for m in d["acmeCAWithoutAcme"]["failed"]), f"no assertion for acmeCA without tls = acme ({d['acmeCAWithoutAcme']['failed']})")
expect("tls internal" in d["internal"]["caddyfile"] and "handle /grafana*" in d["internal"]["caddyfile"], "internal caddyfile")

# Alerting (modules/bingo/alerting.nix): a loopback Alertmanager without a gossip cluster, the
# SMTP password as a credential, Prometheus sending to it, and clear messages for wrong settings.
al = d["alerting"]
expect(al["failed"] == [], f"alerting: unexpected failed assertions {al['failed']}")
am = al["alertmanager"]
expect(am["enable"] and am["listenAddress"] == "127.0.0.1" and am["port"] == 9093, f"alertmanager {am}")
expect("--cluster.listen-address=" in am["extraFlags"], "alertmanager: gossip cluster must be off (0.0.0.0:9094)")
expect(al["alertmanagerUnit"].get("LoadCredential") == ["smtp-password:/run/secrets/smtp-password"], f"smtp credential {al['alertmanagerUnit']}")
expect('smtp_auth_password_file: "/run/credentials/alertmanager.service/smtp-password"' in am["configText"], "smtp password read from the credential")
expect('url: "http://192.0.2.10:9099/alerts"' in am["configText"] and "send_resolved: true" in am["configText"], "webhook receiver")
expect(al["sameAsRenderer"], "alerting: the module's alertmanager.yml differs from modules/alertmanager/render.nix with the default timings")
expect('- targets: ["127.0.0.1:9093"]' in al["prometheusYml"], "prometheus does not send its alerts to the alertmanager")
expect("- targets: []" in v["prometheusYml"] and not v["alertmanager"], "venue without alerting: no alertmanager, no target")
for case, needle in (("noReceiver", "set webhook.url or email.to"), ("noObservability", "needs services.bingo.observability.enable"),
                     ("emailWithoutSmarthost", "from and smarthost must be set"), ("dollar", "no `$`"), ("storePassword", "must not be in the Nix store")):
    expect(any(needle in m for m in al[case]), f"alerting: no assertion for {case} ({al[case]})")

# The hotspot (modules/bingo/hotspot.nix): one radio, DHCP and catch-all DNS on its interface only,
# its static address, DHCP/DNS open there, iwd off, and the probes redirected only with it on.
h, oh = d["hotspot"], d["openHotspot"]
(out / "module-hotspot.Caddyfile").write_text(h["caddyfile"])
for name, x in (("hotspot", h), ("openHotspot", oh)):
    expect(x["failed"] == [], f"{name}: unexpected failed assertions {x['failed']}")
radio = h["hostapd"]["radios"].get("wlan0", {})
net = radio.get("networks", {}).get("wlan0", {})
expect(h["hostapd"]["enable"] and radio.get("band") == "2g" and radio.get("countryCode") == "GB" and radio.get("channel") == 6, f"hostapd radio {radio}")
expect(radio.get("wifi4", {}).get("capabilities") == [], "hostapd: no HT40 the card may lack")
expect(net.get("ssid") == "Bingo" and net.get("apIsolate") is True, f"hostapd network {net}")
expect(net.get("authentication") == {"mode": "wpa2-sha1", "wpaPasswordFile": "/var/lib/bingo-secrets/wifi-passphrase"}, f"WPA2 from the file: {net.get('authentication')}")
expect(oh["hostapd"]["radios"]["wlan0"]["networks"]["wlan0"]["authentication"]["mode"] == "none", "no passphraseFile: an open network")
dm = h["dnsmasq"]
expect(dm["enable"] and dm["resolveLocalQueries"] is False, f"dnsmasq {dm}")
expect(dm["settings"].get("address") == "/#/10.42.0.1" and dm["settings"].get("local") == "/#/", "dnsmasq must answer every name with the box (AAAA: empty)")
expect(dm["settings"].get("interface") == "wlan0" and dm["settings"].get("except-interface") == "lo", "dnsmasq: the hotspot interface only")
expect(dm["settings"].get("no-resolv") is True and "server" not in dm["settings"], "dnsmasq: no upstream server")
expect(dm["settings"].get("dhcp-range") == "10.42.0.10,10.42.0.250,12h", f"dhcp-range {dm['settings'].get('dhcp-range')}")
expect(oh["dnsmasq"]["settings"]["dhcp-range"].startswith("192.168.77.10,") and oh["dnsmasq"]["settings"]["address"] == "/#/192.168.77.1", "range and answers follow hotspot.address")
for name, x in (("hotspot", h), ("openHotspot", oh)):
    expect(x["dnsmasqConf"] == x["dnsmasqConfRehearsal"], f"{name}: modules/hotspot/dnsmasq-conf.nix differs from nixpkgs' formatter:\n{x['dnsmasqConf']}---\n{x['dnsmasqConfRehearsal']}")
expect("address=/#/10.42.0.1\n" in h["dnsmasqConf"] and "\nno-resolv\n" in h["dnsmasqConf"] and "server=" not in h["dnsmasqConf"], h["dnsmasqConf"])
expect(h["interfaces"]["wlan0"] == {"useDHCP": False, "ipv4": {"addresses": [{"address": "10.42.0.1", "prefixLength": 24}]}}, f"interface {h['interfaces']}")
expect(h["firewallInterfaces"]["wlan0"] == {"allowedTCPPorts": [53], "allowedUDPPorts": [53, 67]}, f"firewall {h['firewallInterfaces']}")
expect(h["iwd"] is False and h["links"]["80-bingo-hotspot-wlan"]["linkConfig"]["NamePolicy"] == "keep kernel", "iwd off, wlan0 keeps its name")
for probe in ("@captive_path path /generate_204 /gen_204 /hotspot-detect.html", "@captive_host host captive.apple.com",
              "redir @captive_path http://bingo.local/player/ 302", "redir @captive_host http://bingo.local/player/ 302"):
    expect(probe in h["caddyfile"], f"hotspot Caddyfile lacks {probe!r}")
for name in ("venue", "split", "cloud", "internal", "ipv6"):
    expect("@captive_" not in d[name]["caddyfile"], f"{name}: captive-portal routes without the hotspot")
expect(any("tls = \"off\"" in m for m in h["tlsFailed"]), f"no assertion for a hotspot with TLS ({h['tlsFailed']})")
expect(any("must not be in the Nix store" in m for m in h["storeSecretFailed"]), "no assertion for a Wi-Fi passphrase in the store")

if errors:
    print("\n".join(errors))
    sys.exit(1)
print("all module assertions hold")
