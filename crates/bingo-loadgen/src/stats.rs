//! Measurements: a mergeable latency histogram, wall-clock time, and what /proc says about a
//! server process (resident memory, which process listens on a port).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, with sub-millisecond precision (the servers stamp whole
/// milliseconds of the same clock).
pub fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Buckets per millisecond.
const SCALE: f64 = 10.0;
/// Values above this many milliseconds share the last bucket.
const CAP_MS: f64 = 600_000.0;

/// A histogram of milliseconds in 0.1 ms buckets; exact enough for p50/p99/max, mergeable across
/// worker processes, and sent between them as (bucket, count) pairs.
#[derive(Clone, Debug, Default)]
pub struct Hist {
    counts: Vec<u64>,
    total: u64,
}

impl Hist {
    pub fn add(&mut self, ms: f64) {
        let ms = if ms.is_finite() { ms.clamp(0.0, CAP_MS) } else { CAP_MS };
        let bucket = (ms * SCALE) as usize;
        if bucket >= self.counts.len() {
            self.counts.resize(bucket + 1, 0);
        }
        self.counts[bucket] += 1;
        self.total += 1;
    }

    pub fn merge(&mut self, other: &Hist) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// The value at quantile `q` (0..=1), in milliseconds (the bucket's upper edge).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (bucket, n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some((bucket as f64 + 1.0) / SCALE);
            }
        }
        None
    }

    pub fn max(&self) -> Option<f64> {
        self.counts.iter().rposition(|&n| n > 0).map(|b| (b as f64 + 1.0) / SCALE)
    }

    /// p50, p90, p99, max and the count, for reports.
    pub fn summary(&self) -> Summary {
        Summary {
            count: self.total,
            p50_ms: self.quantile(0.50),
            p90_ms: self.quantile(0.90),
            p99_ms: self.quantile(0.99),
            max_ms: self.max(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

impl Serialize for Hist {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sparse: BTreeMap<usize, u64> =
            self.counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(b, &n)| (b, n)).collect();
        sparse.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Hist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let sparse = BTreeMap::<usize, u64>::deserialize(d)?;
        let mut hist = Hist::default();
        if let Some((&last, _)) = sparse.last_key_value() {
            if last > (CAP_MS * SCALE) as usize {
                return Err(serde::de::Error::custom("histogram bucket out of range"));
            }
            hist.counts.resize(last + 1, 0);
        }
        for (b, n) in sparse {
            hist.counts[b] += n;
            hist.total += n;
        }
        Ok(hist)
    }
}

/// Resident memory of a process in KiB (VmRSS), if it can be read.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time (user + system) a process has used, in seconds.
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0) // USER_HZ is 100 on Linux
}

/// The process that listens on a local TCP port, found through /proc/net/tcp{,6} and the
/// processes' open sockets.
pub fn listener_pid(port: u16) -> Option<u32> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state), Some(inode)) = (f.get(1), f.get(3), f.get(9)) else { continue };
            let listening = *state == "0A";
            let same_port = local.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok()) == Some(port);
            if listening && same_port {
                inodes.push(format!("socket:[{inode}]"));
            }
        }
    }
    if inodes.is_empty() {
        return None;
    }
    for proc_entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = proc_entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(fds) = std::fs::read_dir(proc_entry.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path()) {
                if inodes.iter().any(|i| target.as_os_str() == i.as_str()) {
                    return Some(pid);
                }
            }
        }
    }
    None
}

/// Raises the open-files limit to the hard limit; returns (soft, hard) after.
pub fn raise_nofile() -> (u64, u64) {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    rlimit::Resource::NOFILE.get().unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_merge() {
        let mut a = Hist::default();
        for i in 1..=100 {
            a.add(i as f64);
        }
        assert_eq!(a.quantile(0.5), Some(50.1));
        assert_eq!(a.quantile(0.99), Some(99.1));
        assert_eq!(a.max(), Some(100.1));
        let mut b = Hist::default();
        b.add(1000.0);
        a.merge(&b);
        assert_eq!(a.summary().count, 101);
        assert_eq!(a.max(), Some(1000.1));
        let json = serde_json::to_string(&a).expect("json");
        let back: Hist = serde_json::from_str(&json).expect("back");
        assert_eq!(back.summary(), a.summary());
    }

    #[test]
    fn own_rss_is_readable() {
        assert!(rss_kib(std::process::id()).is_some_and(|k| k > 0));
        assert!(cpu_secs(std::process::id()).is_some());
    }
}
