//! The worker processes of one phase: spawned with their share of the players, their reports
//! gathered and drawn as progress, stopped at the end.

use super::*;

/// The workers of one phase, with their reports as they come.
pub(super) struct Workers {
    children: Vec<tokio::process::Child>,
    stdins: Vec<tokio::process::ChildStdin>,
    pub(super) rx: mpsc::UnboundedReceiver<(usize, Report)>,
    pub(super) progress: Vec<(usize, usize, usize, usize, u64)>,
    label: &'static str,
    total: usize,
    last_draw: Instant,
    tty: bool,
}

impl Workers {
    pub(super) fn spawn(
        args: &RunArgs,
        kind: &Kind,
        join_code: Option<&str>,
        ws_urls: &[String],
    ) -> anyhow::Result<Workers> {
        let n = args.workers.unwrap_or(args.players.div_ceil(10_000)).clamp(1, 64).min(args.players.max(1));
        let exe = std::env::current_exe().context("finding this program")?;
        let (tx, rx) = mpsc::unbounded_channel();
        let (mut children, mut stdins) = (Vec::new(), Vec::new());
        let mut offset = 0;
        for w in 0..n {
            let count = args.players / n + usize::from(w < args.players % n);
            let mut cmd = tokio::process::Command::new(&exe);
            cmd.args(["worker", "--api-url", &args.url])
                .args(["--count", &count.to_string(), "--offset", &offset.to_string()])
                .args(["--cards", &args.cards.to_string(), "--threads", &args.worker_threads.to_string()])
                .args(["--connect-concurrency", &(args.connect_concurrency / n).max(1).to_string()])
                .args(["--join-concurrency", &(args.join_concurrency / n).max(1).to_string()])
                .args(["--nick-prefix", &format!("lg{}-", now_ms() as u64 % 100_000)]);
            for url in ws_urls {
                cmd.args(["--ws-url", url]);
            }
            if let Some(rate) = args.connect_rate {
                cmd.args(["--connect-rate", &(rate / n as f64).to_string()]);
            }
            if let Some(ips) = &args.source_ips {
                cmd.args(["--source-ips", ips]);
            }
            if let Some(code) = join_code {
                cmd.args(["--join-code", code]);
            }
            if matches!(kind, Kind::JoinsOnly) {
                cmd.arg("--joins-only");
            }
            cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).kill_on_drop(true);
            let mut child = cmd.spawn().context("starting a worker")?;
            let stdout = child.stdout.take().ok_or_else(|| anyhow!("worker stdout"))?;
            stdins.push(child.stdin.take().ok_or_else(|| anyhow!("worker stdin"))?);
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut lines = tokio::io::BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    match serde_json::from_str::<Report>(&line) {
                        Ok(report) => {
                            if tx.send((w, report)).is_err() {
                                break;
                            }
                        }
                        Err(_) => crate::out::err(&format!("worker {w}: {line}")),
                    }
                }
            });
            children.push(child);
            offset += count;
        }
        let label = match kind {
            Kind::Baseline(_) => "baseline",
            _ => "bingo",
        };
        Ok(Workers {
            children,
            stdins,
            rx,
            progress: vec![(0, 0, 0, 0, 0); n],
            label,
            total: args.players,
            last_draw: Instant::now(),
            tty: std::io::stderr().is_terminal(),
        })
    }

    pub(super) fn draw_progress(&mut self, force: bool) {
        if !force
            && self.last_draw.elapsed() < if self.tty { Duration::from_millis(200) } else { Duration::from_secs(5) }
        {
            return;
        }
        self.last_draw = Instant::now();
        let sum =
            self.progress.iter().fold((0, 0, 0, 0, 0), |a, p| (a.0 + p.0, a.1 + p.1, a.2 + p.2, a.3 + p.3, a.4 + p.4));
        let width = 30;
        let done = if self.total == 0 { width } else { (sum.2 + sum.3) * width / self.total.max(1) };
        let bar: String = (0..width).map(|i| if i < done.min(width) { '#' } else { '.' }).collect();
        let line = format!(
            "[{}] [{bar}] joined {}/{} (errors {}) connected {}/{} (errors {}) events {}",
            self.label, sum.0, self.total, sum.1, sum.2, self.total, sum.3, sum.4
        );
        let mut err = std::io::stderr();
        if self.tty {
            let _ = write!(err, "\r{line}\x1b[K");
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }

    /// Waits until every worker has sent a report that `pick` accepts, or `limit` passes.
    pub(super) async fn collect<T>(
        &mut self,
        limit: Duration,
        mut pick: impl FnMut(Report) -> Option<T>,
    ) -> anyhow::Result<Vec<T>> {
        let mut got: Vec<Option<T>> = (0..self.children.len()).map(|_| None).collect();
        let deadline = tokio::time::Instant::now() + limit;
        while got.iter().any(Option::is_none) {
            let next = tokio::time::timeout_at(deadline, self.rx.recv()).await;
            let Ok(Some((w, report))) = next else {
                bail!("the workers did not all report in time ({} of {})", got.iter().flatten().count(), got.len());
            };
            match report {
                Report::Progress { joined, join_errors, connected, connect_errors, events } => {
                    self.progress[w] = (joined, join_errors, connected, connect_errors, events);
                    self.draw_progress(false);
                }
                Report::Failed { error } => bail!("worker {w} failed: {error}"),
                other => {
                    if let Some(t) = pick(other) {
                        got[w] = Some(t);
                    }
                }
            }
        }
        self.draw_progress(true);
        if self.tty {
            crate::out::err("");
        }
        Ok(got.into_iter().flatten().collect())
    }

    pub(super) async fn tell(&mut self, line: &str) {
        for stdin in &mut self.stdins {
            let _ = stdin.write_all(format!("{line}\n").as_bytes()).await;
            let _ = stdin.flush().await;
        }
    }

    pub(super) async fn finish(mut self) {
        self.stdins.clear();
        for child in &mut self.children {
            let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
            let _ = child.start_kill();
        }
    }
}
