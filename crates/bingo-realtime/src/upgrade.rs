//! Taking a WebSocket connection over from actix-http.
//!
//! actix-web's HTTP/1 dispatcher hands every request that asks for a protocol upgrade to this
//! service, with the connection itself. A `/ws` handshake is answered here (101) and the socket is
//! then served by a session framed by tungstenite, outside the dispatcher: an idle player then
//! costs its socket, a small read buffer and its session, not the dispatcher's two 8 KiB buffers
//! and a channel between the session and the response body (docs/BENCHMARKS.md has the numbers).
//! Every other upgrade request gets the API's JSON error.

use crate::session;
use crate::RealtimeState;
use actix_codec::Framed;
use actix_http::body::{BodySize, BoxBody};
use actix_http::h1::{self, Message as H1};
use actix_http::ws::HandshakeError;
use actix_http::{Request, Response, StatusCode};
use actix_service::{fn_service, ServiceFactory};
use actix_web::get;
use bingo_telemetry::Metrics;
use bytes::Bytes;
use futures_util::SinkExt;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

/// The path clients connect to.
pub const WS_PATH: &str = "/ws";

/// Largest message a client may send.
pub(crate) const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// The kernel's send buffer for a WebSocket, fixed instead of autotuned (up to 4 MiB): a few
/// hundred events. A client that stops reading then holds at most this, and its session falls
/// behind the game's ring, so that the client is caught up from the log, or sent a snapshot, when
/// it reads again (docs/PROTOCOL.md, "Falling behind and reconnecting").
const SEND_BUFFER_BYTES: usize = 64 * 1024;

/// What a connection handed over by the dispatcher looks like.
pub type UpgradeRequest = (Request, Framed<TcpStream, h1::Codec>);

/// The upgrade service for `HttpService::upgrade`: serves `/ws` when this node runs the realtime
/// hub (`state`), and answers any other upgrade request with a JSON error.
pub fn service(
    state: Option<Arc<RealtimeState>>,
    metrics: Metrics,
) -> impl ServiceFactory<UpgradeRequest, Config = (), Response = (), Error = UpgradeError, InitError = ()> + Clone {
    fn_service(move |(req, framed): UpgradeRequest| {
        let (state, metrics) = (state.clone(), metrics.clone());
        async move {
            let started = Instant::now();
            let method = req.method().as_str().to_owned();
            let (route, status) = upgrade(state, req, framed).await.map_err(UpgradeError)?;
            metrics.record_http_request(route, &method, status.as_u16(), started.elapsed());
            Ok(())
        }
    })
}

/// The connection failed during the handshake (the client went away, mostly). The dispatcher
/// logs it; no response can be sent any more.
#[derive(Debug)]
pub struct UpgradeError(std::io::Error);

impl std::fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebSocket handshake failed: {}", self.0)
    }
}

impl From<UpgradeError> for Response<BoxBody> {
    fn from(_: UpgradeError) -> Self {
        Response::new(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Mounts `/ws` for requests that are not a WebSocket handshake (a proxy that drops the
/// `Upgrade` header, a browser opening the address): 426 with the API's error body. The handshake
/// itself never reaches this route: actix-http hands it to [`service`] first.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(ws);
}

/// The WebSocket of players, screens and consoles (docs/PROTOCOL.md).
///
/// A GET with `Connection: Upgrade`, `Upgrade: websocket`, `Sec-WebSocket-Version: 13` and a
/// `Sec-WebSocket-Key` switches protocols; any other request here gets 426.
#[utoipa::path(tag = "realtime", operation_id = "websocket", responses(
    (status = 101, description = "Switching protocols: the connection is now the WebSocket of docs/PROTOCOL.md."),
    (status = 400, description = "`bad_handshake`: an Upgrade request that is not a valid WebSocket handshake.",
        body = ref("#/components/schemas/Error")),
    (status = 404, description = "`not_found`: this node serves no WebSockets (an API node); connect to a realtime node.",
        body = ref("#/components/schemas/Error")),
    (status = 426, description = "`upgrade_required`: not a WebSocket handshake (no `Upgrade: websocket`).",
        body = ref("#/components/schemas/Error"),
        headers(("Upgrade" = String, description = "websocket"))),
    (status = 503, description = "`draining`: this server is restarting; reconnect.",
        body = ref("#/components/schemas/Error")),
))]
#[get("/ws")]
async fn ws() -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(StatusCode::UPGRADE_REQUIRED).insert_header(("upgrade", "websocket")).json(
        serde_json::json!({"error": {"code": "upgrade_required", "message": "connect with a WebSocket handshake (Upgrade: websocket)"}}),
    )
}

/// Socket settings: a small read buffer (clients send short JSON messages; a longer one grows it), frames written as
/// soon as they are sent, and the protocol's message limit.
fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(512)
        .write_buffer_size(0)
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES))
}

/// Answers the handshake and starts the session; returns the route label and status for metrics.
async fn upgrade(
    state: Option<Arc<RealtimeState>>,
    req: Request,
    mut framed: Framed<TcpStream, h1::Codec>,
) -> std::io::Result<(&'static str, StatusCode)> {
    let Some(state) = state.filter(|_| req.path() == WS_PATH) else {
        let message = if req.path() == WS_PATH {
            "this node serves no WebSockets; connect to a realtime node".to_owned()
        } else {
            format!("no WebSocket at {}; connect to {WS_PATH}", req.path())
        };
        return refuse(&mut framed, StatusCode::NOT_FOUND, "not_found", &message).await.map(|s| ("unmatched", s));
    };
    if state.is_draining() {
        let message = "this server is restarting; reconnect";
        return refuse(&mut framed, StatusCode::SERVICE_UNAVAILABLE, "draining", message).await.map(|s| (WS_PATH, s));
    }
    let response = match actix_http::ws::handshake(req.head()) {
        Ok(mut builder) => builder.finish().drop_body(),
        // RFC 6455 4.1: the method is GET; a 405 says which method the resource allows (RFC 9110 15.5.6).
        Err(HandshakeError::GetMethodRequired) => {
            let message = "not a WebSocket handshake: the method must be GET";
            let status = StatusCode::METHOD_NOT_ALLOWED;
            let allow = Some(("allow", "GET"));
            return refuse_with(&mut framed, status, "bad_handshake", message, allow).await.map(|s| (WS_PATH, s));
        }
        Err(e) => {
            let message = format!("not a WebSocket handshake: {e}");
            return refuse(&mut framed, StatusCode::BAD_REQUEST, "bad_handshake", &message).await.map(|s| (WS_PATH, s));
        }
    };
    framed.send(H1::Item((response, BodySize::None))).await.map_err(std::io::Error::other)?;
    // Whatever the client sent after its handshake (a hello, often) is already in the read buffer.
    let parts = framed.into_parts();
    // Best effort, all three. Without the user timeout a vanished client that is being sent events
    // is found by the kernel's retransmission limit (minutes); without the fixed send buffer a
    // client that stopped reading holds up to 4 MiB of stale frames in kernel memory before its
    // session falls behind.
    let tcp = socket2::SockRef::from(&parts.io);
    let _ = tcp.set_tcp_nodelay(true);
    let _ = tcp.set_tcp_user_timeout(Some(state.heartbeat.unacknowledged_limit()));
    let _ = tcp.set_send_buffer_size(SEND_BUFFER_BYTES);
    let socket =
        WebSocketStream::from_partially_read(parts.io, parts.read_buf.to_vec(), Role::Server, Some(socket_config()))
            .await;
    session::start(state, socket);
    Ok((WS_PATH, StatusCode::SWITCHING_PROTOCOLS))
}

/// Writes a JSON error response; the connection closes after it.
async fn refuse(
    framed: &mut Framed<TcpStream, h1::Codec>,
    status: StatusCode,
    code: &str,
    message: &str,
) -> std::io::Result<StatusCode> {
    refuse_with(framed, status, code, message, None).await
}

/// [`refuse`] with a header of its own.
async fn refuse_with(
    framed: &mut Framed<TcpStream, h1::Codec>,
    status: StatusCode,
    code: &str,
    message: &str,
    header: Option<(&'static str, &'static str)>,
) -> std::io::Result<StatusCode> {
    let body = Bytes::from(serde_json::json!({"error": {"code": code, "message": message}}).to_string());
    let mut response = Response::build(status);
    response.insert_header(("content-type", "application/json")).force_close();
    if let Some(header) = header {
        response.insert_header(header);
    }
    let response = response.finish().drop_body();
    let sent = async {
        framed.send(H1::Item((response, BodySize::Sized(body.len() as u64)))).await?;
        framed.send(H1::Chunk(Some(body))).await?;
        framed.send(H1::Chunk(None)).await
    };
    sent.await.map_err(std::io::Error::other)?;
    Ok(status)
}
