# What phones, tablets and laptops fetch over plain HTTP to decide whether a Wi-Fi network is a
# captive portal (anything but the expected answer opens their sign-in sheet). With
# services.bingo.hotspot the Caddyfile redirects all of them to the join page
# (modules/caddy/render.nix); tests/rehearsal/hotspot.sh fetches every one of `urls`.
# Builtins only (read without nixpkgs' lib).
{
  # Probe paths, redirected on any host name (the apps never serve them).
  paths = [
    "/generate_204" # Android, ChromeOS and most Android makers' own hosts (Huawei, Xiaomi, ...)
    "/gen_204" # Android's fallback
    "/hotspot-detect.html" # iOS, iPadOS, macOS
    "/library/test/success.html" # older Apple systems
    "/connecttest.txt" # Windows 10 and 11
    "/ncsi.txt" # Windows 7 and 8
    "/canonical.html" # Firefox
    "/success.txt" # Firefox
    "/check_network_status.txt" # GNOME / NetworkManager
    "/nm-check.txt" # Arch Linux NetworkManager
    "/static/hotspot.txt" # Fedora
    "/kindle-wifi/wifistub.html" # Kindle
  ];

  # Probe hosts, redirected on every path: Apple also probes random paths, Windows opens
  # /redirect in the browser, Ubuntu asks for /.
  hosts = [
    "captive.apple.com"
    "www.apple.com"
    "www.appleiphonecell.com"
    "connectivitycheck.gstatic.com"
    "connectivitycheck.android.com"
    "clients3.google.com"
    "www.msftconnecttest.com"
    "www.msftncsi.com"
    "detectportal.firefox.com"
    "connectivity-check.ubuntu.com"
    "nmcheck.gnome.org"
  ];

  # Every probe as a device sends it (host and path), for the rehearsal.
  urls = [
    "http://connectivitycheck.gstatic.com/generate_204"
    "http://www.google.com/gen_204"
    "http://clients3.google.com/generate_204"
    "http://connectivitycheck.platform.hicloud.com/generate_204"
    "http://connect.rom.miui.com/generate_204"
    "http://captive.apple.com/hotspot-detect.html"
    "http://captive.apple.com/a1b2c3/d4e5f6/index.html"
    "http://www.apple.com/library/test/success.html"
    "http://www.msftconnecttest.com/connecttest.txt"
    "http://www.msftconnecttest.com/redirect"
    "http://www.msftncsi.com/ncsi.txt"
    "http://detectportal.firefox.com/canonical.html"
    "http://detectportal.firefox.com/success.txt"
    "http://connectivity-check.ubuntu.com/"
    "http://nmcheck.gnome.org/check_network_status.txt"
    "http://ping.archlinux.org/nm-check.txt"
    "http://fedoraproject.org/static/hotspot.txt"
    "http://spectrum.s3.amazonaws.com/kindle-wifi/wifistub.html"
  ];
}
