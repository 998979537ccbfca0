//! The three web apps, Screen (`/screen`), Console (`/console`) and Player (`/player`), and the
//! ES modules they share (`/shared/...`). Every file under `assets/` is embedded in the binary at
//! compile time (see build.rs): running the product needs nothing but the `bingo` binary.
//!
//! Besides the files it serves `GET /qr.svg?data=...` (a QR code, drawn here, so no app needs a
//! QR library or the internet) and `GET /api/v1/web/config` (the addresses players are told to
//! open: the public URL and this machine's plain IP addresses, for phones that cannot resolve
//! `bingo.local`; see [`lan_urls`]).
//!
//! Its invariants are stated once, in docs/ARCHITECTURE.md (section `crates/bingo-web`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};

/// One embedded file.
pub struct Asset {
    /// Its path under `assets/`, e.g. `player/app.js`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// A quoted hash of the bytes.
    pub etag: &'static str,
}

mod embedded {
    use super::Asset;
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

pub use embedded::ASSETS;

/// The apps, each a folder of `assets/` with an `index.html`.
pub const APPS: &[&str] = &["screen", "console", "player"];

/// Longest text a QR code is drawn for.
pub const MAX_QR_DATA: usize = 512;

/// What the apps need to know about where they are served.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address players are told to open, e.g. `http://bingo.local`.
    pub public_url: String,
    /// The address the server listens on: its port (and, when not a wildcard, its IP) make the
    /// plain-IP addresses shown beside the public URL.
    pub listen: SocketAddr,
    /// The port players reach this machine on through a proxy on this machine (e.g. Caddy on 80
    /// in front of a server on 127.0.0.1): when set, the plain-IP addresses are every address of
    /// the machine with this port, whatever the listen address.
    pub lan_port: Option<u16>,
}

/// The embedded file at `path` (under `assets/`).
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// Registers the apps, their files, `/qr.svg`, `/api/v1/web/config`, and `/` (to the Player).
/// The apps' pages and files are not API operations and stay out of the OpenAPI document.
pub fn configure(config: WebConfig) -> impl FnOnce(&mut utoipa_actix_web::service_config::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::new(config)).service(root).service(qr_svg).service(web_config);
        for path in file_routes() {
            cfg.route(&path, web::get().to(file));
        }
    }
}

/// The paths of the apps' pages and files (actix-web patterns): an app's own URL with and without
/// the slash, and anything under it.
pub fn file_routes() -> Vec<String> {
    APPS.iter()
        .chain(&["shared"])
        .flat_map(|app| [format!("/{app}"), format!("/{app}/"), format!("/{app}/{{file:.*}}")])
        .collect()
}

fn error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": {"code": code, "message": message}}))
}

/// The Player app: a redirect to /player.
#[utoipa::path(tag = "web", operation_id = "root", responses(
    (status = 302, description = "To the Player app.", headers(("Location" = String, description = "/player"))),
))]
#[get("/")]
async fn root() -> HttpResponse {
    HttpResponse::Found().insert_header((header::LOCATION, "/player")).finish()
}

/// The security headers of every page and file: nothing is loaded from anywhere else.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   connect-src 'self' ws: wss:; media-src 'self' data:; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'";

async fn file(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    let (folder, rest) = path.split_once('/').unwrap_or((path, ""));
    // An app's own URL (with or without the slash, or any client-side route under it that is
    // not a file) gets its page.
    let asset = match asset(path) {
        Some(a) if !rest.is_empty() => Some(a),
        _ if APPS.contains(&folder) && !rest.contains('.') => asset(&format!("{folder}/index.html")),
        _ => None,
    };
    let Some(asset) = asset else {
        return error(StatusCode::NOT_FOUND, "not_found", "there is nothing at this address");
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim().trim_start_matches("W/") == asset.etag));
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, HeaderValue::from_static(asset.etag)))
        // Always revalidate: a new binary must never be mixed with old cached modules.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP));
    if fresh {
        response.finish()
    } else {
        response.content_type(asset.content_type).body(asset.bytes)
    }
}

/// The text as a QR code (SVG, medium error correction).
///
/// No app needs a QR library or the internet: the Screen shows the join address this way.
#[utoipa::path(tag = "web", operation_id = "qr_code",
    params(("data" = String, Query, description = "The text to encode (URL-encoded in the query).",
        min_length = 1, max_length = 512, example = "http://bingo.local/player?code=QK7MPA")),
    responses(
        (status = 200, description = "The QR code.", body = String, content_type = "image/svg+xml"),
        (status = 400, description = "`bad_request`: no data, more than 512 characters, or too much for a QR code.",
            body = ref("#/components/schemas/Error")),
    ))]
#[get("/qr.svg")]
async fn qr_svg(req: HttpRequest) -> HttpResponse {
    let data = url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "data")
        .map(|(_, v)| v.into_owned());
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        return error(StatusCode::BAD_REQUEST, "bad_request", "give the text to encode as ?data=...");
    };
    let length = data.chars().count();
    if length > MAX_QR_DATA {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("the text to encode is {length} characters; the most is {MAX_QR_DATA}"),
        );
    }
    match qr(&data) {
        Some(svg) => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(svg),
        None => error(StatusCode::BAD_REQUEST, "bad_request", "this text does not fit in a QR code"),
    }
}

/// An SVG QR code of `data`, black on white with the standard quiet zone; `None` when it does not fit.
pub fn qr(data: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// Where players are told to go.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct JoinAddresses {
    /// The address players open (BINGO_PUBLIC_URL), without a trailing slash.
    #[schema(examples("http://bingo.local"))]
    public_url: String,
    /// This machine's plain-IP addresses of the apps, for phones that cannot resolve the public name.
    #[schema(examples(json!(["http://192.168.1.20"])))]
    lan_urls: Vec<String>,
}

/// Where players should go: the public address and this machine's plain-IP addresses.
#[utoipa::path(tag = "web", operation_id = "web_config", responses(
    (status = 200, description = "The join addresses.", body = JoinAddresses),
))]
#[get("/api/v1/web/config")]
async fn web_config(config: web::Data<WebConfig>) -> HttpResponse {
    let lan_urls: Vec<String> = lan_urls(config.listen, config.lan_port, plain_ips);
    let public_url = config.public_url.trim_end_matches('/').to_string();
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(JoinAddresses { public_url, lan_urls })
}

/// This machine's IPv4 addresses other than loopback (none when they cannot be read; that is
/// logged once, not at every request).
fn plain_ips() -> Vec<IpAddr> {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let all = match if_addrs::get_if_addrs() {
        Ok(all) => all,
        Err(e) => {
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    error = %e,
                    "cannot list this machine's network addresses, so no plain-IP join address is shown \
                     (getifaddrs needs AF_NETLINK sockets)"
                );
            }
            return Vec::new();
        }
    };
    let mut ips: Vec<IpAddr> = all.into_iter().map(|i| i.ip()).filter(|ip| ip.is_ipv4() && !ip.is_loopback()).collect();
    ips.sort();
    ips.dedup();
    ips
}

/// The plain-IP addresses of the apps, `http://<ip>[:<port>]` (no port for 80). With `lan_port`
/// (players come in through a proxy on this machine): every address of the machine with that
/// port. Otherwise from the listen address: every address of the machine for a wildcard listen,
/// only the listen address for a specific one, none for loopback. `machine` lists the machine's
/// non-loopback IPv4 addresses; it is called only when they are needed.
pub fn lan_urls(listen: SocketAddr, lan_port: Option<u16>, machine: impl FnOnce() -> Vec<IpAddr>) -> Vec<String> {
    let (ips, port) = match lan_port {
        Some(port) => (machine(), port),
        None if listen.ip().is_unspecified() => (machine(), listen.port()),
        None if listen.ip().is_loopback() => (Vec::new(), listen.port()),
        None => (vec![listen.ip()], listen.port()),
    };
    let port = if port == 80 { String::new() } else { format!(":{port}") };
    ips.into_iter()
        .map(|ip| match ip {
            IpAddr::V4(v4) => format!("http://{v4}{port}"),
            IpAddr::V6(v6) => format!("http://[{v6}]{port}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use actix_web::{test as atest, App};

    fn app() -> App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        use utoipa_actix_web::AppExt;
        App::new().into_utoipa_app().configure(configure(config())).into_app()
    }

    fn config() -> WebConfig {
        WebConfig { public_url: "http://bingo.local/".into(), listen: "0.0.0.0:8080".parse().unwrap(), lan_port: None }
    }

    #[test]
    fn every_app_has_its_page_script_and_strings() {
        for app in APPS {
            assert!(asset(&format!("{app}/index.html")).is_some(), "{app}/index.html");
            assert!(asset(&format!("{app}/app.js")).is_some(), "{app}/app.js");
            assert!(asset(&format!("{app}/strings.en.js")).is_some(), "{app}/strings.en.js");
        }
        assert!(ASSETS.iter().all(|a| a.etag.len() == 18 && !a.bytes.is_empty()));
    }

    fn machine() -> Vec<IpAddr> {
        vec!["10.1.2.3".parse().unwrap(), "192.168.1.20".parse().unwrap()]
    }

    #[test]
    fn plain_addresses_follow_the_listen_address() {
        let url = |listen: &str| lan_urls(listen.parse().unwrap(), None, machine);
        assert_eq!(url("0.0.0.0:8080"), ["http://10.1.2.3:8080", "http://192.168.1.20:8080"]);
        assert_eq!(url("0.0.0.0:80"), ["http://10.1.2.3", "http://192.168.1.20"]);
        assert!(url("127.0.0.1:80").is_empty());
        assert!(url("127.0.0.1:8080").is_empty());
        assert_eq!(url("10.0.0.5:80"), ["http://10.0.0.5"]);
        assert_eq!(url("10.0.0.5:8080"), ["http://10.0.0.5:8080"]);
    }

    #[test]
    fn behind_a_proxy_on_this_machine_every_address_gets_the_lan_port() {
        let url = |listen: &str, port| lan_urls(listen.parse().unwrap(), Some(port), machine);
        assert_eq!(url("127.0.0.1:8080", 80), ["http://10.1.2.3", "http://192.168.1.20"]);
        assert_eq!(url("127.0.0.1:8080", 8000), ["http://10.1.2.3:8000", "http://192.168.1.20:8000"]);
        assert_eq!(url("0.0.0.0:8080", 80), ["http://10.1.2.3", "http://192.168.1.20"]);
        assert_eq!(url("10.1.2.3:8080", 443), ["http://10.1.2.3:443", "http://192.168.1.20:443"]);
        assert!(lan_urls("127.0.0.1:8080".parse().unwrap(), Some(80), Vec::new).is_empty());
    }

    #[test]
    fn the_machine_addresses_are_read_only_when_needed() {
        let never = || -> Vec<IpAddr> { panic!("the machine's addresses were read for a loopback listen") };
        assert!(lan_urls("127.0.0.1:8080".parse().unwrap(), None, never).is_empty());
        assert_eq!(lan_urls("10.0.0.5:80".parse().unwrap(), None, never), ["http://10.0.0.5"]);
    }

    #[actix_web::test]
    async fn pages_files_etags_and_the_root() {
        let app = atest::init_service(app()).await;
        for url in ["/player", "/player/", "/screen", "/console/"] {
            let res = atest::call_service(&app, atest::TestRequest::get().uri(url).to_request()).await;
            assert_eq!(res.status(), 200, "{url}");
            assert_eq!(res.headers().get("content-type").unwrap(), "text/html; charset=utf-8");
        }
        let res = atest::call_service(&app, atest::TestRequest::get().uri("/shared/api.js").to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("content-type").unwrap(), "text/javascript; charset=utf-8");
        let etag = res.headers().get("etag").unwrap().clone();
        let again = atest::TestRequest::get().uri("/shared/api.js").insert_header(("if-none-match", etag)).to_request();
        assert_eq!(atest::call_service(&app, again).await.status(), 304);
        let res = atest::call_service(&app, atest::TestRequest::get().uri("/shared/nope.js").to_request()).await;
        assert_eq!(res.status(), 404);
        let res = atest::call_service(&app, atest::TestRequest::get().uri("/").to_request()).await;
        assert_eq!(res.status(), 302);
        assert_eq!(res.headers().get("location").unwrap(), "/player");
    }

    #[actix_web::test]
    async fn qr_codes_and_their_errors() {
        let app = atest::init_service(app()).await;
        let res = atest::call_service(
            &app,
            atest::TestRequest::get()
                .uri("/qr.svg?data=http%3A%2F%2Fbingo.local%2Fplayer%3Fcode%3DQK7MPA")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("content-type").unwrap(), "image/svg+xml");
        let body = atest::read_body(res).await;
        assert!(body.starts_with(b"<?xml") && body.windows(4).any(|w| w == b"<svg"));
        for bad in ["/qr.svg", "/qr.svg?data=", &format!("/qr.svg?data={}", "a".repeat(513))] {
            let res = atest::call_service(&app, atest::TestRequest::get().uri(bad).to_request()).await;
            assert_eq!(res.status(), 400, "{bad}");
            let body: serde_json::Value = atest::read_body_json(res).await;
            assert_eq!(body["error"]["code"], "bad_request");
        }
    }

    #[actix_web::test]
    async fn the_web_config_names_the_public_url() {
        let app = atest::init_service(app()).await;
        let res = atest::call_service(&app, atest::TestRequest::get().uri("/api/v1/web/config").to_request()).await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = atest::read_body_json(res).await;
        assert_eq!(body["public_url"], "http://bingo.local");
        assert!(body["lan_urls"].is_array());
    }
}
