//! A small HTTP/1.1 client over one keep-alive connection: JSON in, JSON out. Enough for the
//! API calls the load generator makes, with nothing between the request and the socket.

use anyhow::{anyhow, bail, Context};
use serde_json::Value;
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where an HTTP or WebSocket URL points.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    /// `host:port` for the Host header.
    pub host: String,
    /// The path (with query) requested.
    pub path: String,
}

impl Target {
    pub fn parse(url: &str) -> anyhow::Result<Target> {
        let parsed = url::Url::parse(url).with_context(|| format!("the URL {url:?}"))?;
        let host = parsed.host_str().ok_or_else(|| anyhow!("{url:?} has no host"))?;
        let port = parsed.port_or_known_default().ok_or_else(|| anyhow!("{url:?} has no port"))?;
        let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
            .with_context(|| format!("resolving {host}"))?
            .next()
            .ok_or_else(|| anyhow!("{host} resolves to no address"))?;
        let mut path = parsed.path().to_string();
        if let Some(q) = parsed.query() {
            path.push('?');
            path.push_str(q);
        }
        Ok(Target { addr, host: format!("{host}:{port}"), path })
    }
}

pub struct Http {
    target: Target,
    conn: Option<BufReader<TcpStream>>,
}

impl Http {
    pub fn new(base: &str) -> anyhow::Result<Http> {
        Ok(Http { target: Target::parse(base)?, conn: None })
    }

    /// One request; a stale keep-alive connection is replaced once.
    pub async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let body = match body {
            Some(v) => serde_json::to_vec(v)?,
            None => Vec::new(),
        };
        let reused = self.conn.is_some();
        match self.attempt(method, path, token, &body).await {
            Ok(answer) => Ok(answer),
            Err(_) if reused => {
                self.conn = None;
                self.attempt(method, path, token, &body).await.inspect_err(|_| self.conn = None)
            }
            Err(e) => {
                self.conn = None;
                Err(e)
            }
        }
    }

    async fn attempt(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &[u8],
    ) -> anyhow::Result<(u16, Value)> {
        if self.conn.is_none() {
            let stream = TcpStream::connect(self.target.addr)
                .await
                .with_context(|| format!("connecting to {}", self.target.addr))?;
            stream.set_nodelay(true)?;
            self.conn = Some(BufReader::new(stream));
        }
        let Some(conn) = self.conn.as_mut() else { bail!("no connection") };
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nAccept: application/json\r\n",
            self.target.host,
            body.len()
        );
        if !body.is_empty() {
            request.push_str("Content-Type: application/json\r\n");
        }
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        conn.get_mut().write_all(&bytes).await?;

        let mut line = String::new();
        if conn.read_line(&mut line).await? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("not an HTTP status line: {line:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if conn.read_line(&mut line).await? == 0 {
                bail!("the server closed the connection in the headers");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else { continue };
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
            match name.as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "connection" => close = value == "close",
                _ => {}
            }
        }
        let mut data = Vec::new();
        if chunked {
            loop {
                line.clear();
                conn.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| anyhow!("bad chunk size {line:?}"))?;
                if size == 0 {
                    // Trailers, then the blank line.
                    loop {
                        line.clear();
                        if conn.read_line(&mut line).await? == 0 || line.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = data.len();
                data.resize(start + size, 0);
                conn.read_exact(&mut data[start..]).await?;
                line.clear();
                conn.read_line(&mut line).await?;
            }
        } else if let Some(n) = length {
            data.resize(n, 0);
            conn.read_exact(&mut data).await?;
        } else if method != "HEAD" && status != 204 && status != 304 {
            conn.read_to_end(&mut data).await?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        let value = if data.is_empty() { Value::Null } else { serde_json::from_slice(&data).unwrap_or(Value::Null) };
        Ok((status, value))
    }
}
