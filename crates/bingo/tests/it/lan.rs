//! The plain-IP join address of a server behind a proxy on the same machine (`--lan-port`): the
//! server listens on 127.0.0.1, yet `/api/v1/web/config` lists `http://<each address of the
//! machine>` with the port players come in on. Run in a network namespace of its own whose only
//! addresses are loopback and one veth address, so the expected list is exact. Needs root.

use crate::game::bin;
use bingo_testkit::Http;
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A network namespace with loopback up and one veth end addressed `ip`/30. Removed on drop.
struct Machine {
    namespace: String,
    host_link: String,
    ip: String,
}

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("the ip command (iproute2)");
    assert!(out.status.success(), "ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

impl Machine {
    fn create() -> Machine {
        let id = std::process::id();
        let (namespace, host_link, inner_link) = (format!("bingo-lan-{id}"), format!("bln{id}h"), format!("bln{id}m"));
        // A /30 of its own, so that parallel runs do not meet.
        let (a, b) = ((id >> 6) & 0xff, (id & 0x3f) << 2);
        let machine = Machine { namespace, host_link, ip: format!("10.214.{a}.{}", b + 2) };
        ip(&["netns", "add", &machine.namespace]);
        ip(&["link", "add", &machine.host_link, "type", "veth", "peer", "name", &inner_link]);
        ip(&["link", "set", &inner_link, "netns", &machine.namespace]);
        ip(&["addr", "add", &format!("10.214.{a}.{}/30", b + 1), "dev", &machine.host_link]);
        ip(&["link", "set", &machine.host_link, "up"]);
        ip(&["-n", &machine.namespace, "addr", "add", &format!("{}/30", machine.ip), "dev", &inner_link]);
        ip(&["-n", &machine.namespace, "link", "set", &inner_link, "up"]);
        ip(&["-n", &machine.namespace, "link", "set", "lo", "up"]);
        machine
    }

    /// `bingo serve` inside the namespace on 127.0.0.1:`port`, with `extra` arguments.
    fn serve(&self, dir: &Path, port: u16, extra: &[&str]) -> Server {
        let data = dir.join(format!("data-{port}"));
        let passphrase = dir.join("passphrase");
        std::fs::write(&passphrase, bingo_testkit::PASSPHRASE).expect("passphrase file");
        let log = dir.join(format!("serve-{port}.log"));
        let out = std::fs::File::create(&log).expect("log");
        let child = Command::new("ip")
            .args(["netns", "exec", &self.namespace])
            .arg(bin())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir", &data.to_string_lossy()])
            .args(["--admin-passphrase-file", &passphrase.to_string_lossy()])
            .args(extra)
            .env("BINGO_LOG_FORMAT", "json")
            .env_remove("BINGO_LAN_PORT")
            .env_remove("BINGO_DATABASE_URL")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("start bingo in the namespace");
        Server { child, log }
    }

    /// `GET path` on 127.0.0.1:`port` of the namespace, once the server there is ready (a thread
    /// moved into the namespace makes the connections).
    fn web_config(&self, server: &mut Server, port: u16) -> Value {
        let namespace = std::fs::File::open(format!("/run/netns/{}", self.namespace)).expect("the namespace");
        let answer = std::thread::spawn(move || {
            use std::os::fd::AsFd;
            rustix::thread::move_into_link_name_space(
                namespace.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .expect("setns");
            let http = Http::new(&format!("http://127.0.0.1:{port}"));
            let deadline = Instant::now() + Duration::from_secs(30);
            while http.get("/ready").0 != 200 {
                if Instant::now() > deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Some(http.get("/api/v1/web/config"))
        })
        .join()
        .expect("the thread in the namespace");
        let Some((status, body)) = answer else {
            panic!("bingo in the namespace was not ready within 30 s:\n{}", server.output());
        };
        assert_eq!(status, 200, "{body}");
        body
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.namespace]).status();
        let _ = Command::new("ip").args(["link", "del", &self.host_link]).status();
    }
}

struct Server {
    child: Child,
    log: std::path::PathBuf,
}

impl Server {
    fn output(&mut self) -> String {
        if let Ok(Some(status)) = self.child.try_wait() {
            return format!("(exited: {status})\n{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        }
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn behind_a_proxy_on_the_same_machine_the_lan_port_gives_the_plain_ip_address() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: creating a network namespace needs root (CI runs as root)");
        return;
    }
    let machine = Machine::create();
    let dir = tempfile::tempdir().expect("tmp");

    // As the NixOS module runs it: on loopback behind Caddy on port 80.
    let mut proxied = machine.serve(dir.path(), 8080, &["--lan-port", "80"]);
    let config = machine.web_config(&mut proxied, 8080);
    assert_eq!(config["lan_urls"], serde_json::json!([format!("http://{}", machine.ip)]), "{config}");
    assert_eq!(config["public_url"], "http://127.0.0.1:8080", "{config}");

    // Another port keeps its number.
    let mut other = machine.serve(dir.path(), 8081, &["--lan-port", "8000"]);
    let config = machine.web_config(&mut other, 8081);
    assert_eq!(config["lan_urls"], serde_json::json!([format!("http://{}:8000", machine.ip)]), "{config}");

    // Without the setting, a loopback listen has no plain-IP address, as before.
    let mut plain = machine.serve(dir.path(), 8082, &[]);
    let config = machine.web_config(&mut plain, 8082);
    assert_eq!(config["lan_urls"], serde_json::json!([]), "{config}");
}
