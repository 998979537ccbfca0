//! [`RequestMetrics`]: the actix-web middleware recording HTTP metrics and request ids.

use std::collections::hash_map::RandomState;
use std::future::{ready, Future, Ready};
use std::hash::BuildHasher;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::HttpMessage;
use tracing::Instrument;

use crate::metrics::{InFlightGuard, Metrics};

/// The request id header, read from the request (if valid) and always set on the response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Route label value for requests that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// The request's id, stored in the request extensions by [`RequestMetrics`]
/// (`req.extensions().get::<RequestId>()`, or as an extractor via `web::ReqData<RequestId>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Middleware: for every request, records `bingo_http_request_duration_seconds{route,method,status_class}`
/// (route = the route template, or `unmatched`) and `bingo_http_requests_in_flight`, assigns a request
/// id (an incoming `x-request-id` of at most 64 characters from `[A-Za-z0-9._-]`, else 16 random hex
/// digits), returns it in the `x-request-id` response header, and runs the request inside the tracing
/// span `http_request{request_id, method, route}` so every log line of the request carries its id.
///
/// Register it outermost (`App::new().wrap(RequestMetrics::new(metrics))` after other `wrap`s) so
/// the measured time covers the other middlewares.
#[derive(Clone, Debug)]
pub struct RequestMetrics {
    metrics: Metrics,
}

impl RequestMetrics {
    /// The middleware, recording into `metrics`.
    pub fn new(metrics: Metrics) -> RequestMetrics {
        RequestMetrics { metrics }
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequestMetrics
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = RequestMetricsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequestMetricsService { service: Rc::new(service), metrics: self.metrics.clone() }))
    }
}

/// The service created by [`RequestMetrics`].
#[derive(Debug)]
pub struct RequestMetricsService<S> {
    service: Rc<S>,
    metrics: Metrics,
}

impl<S, B> Service<ServiceRequest> for RequestMetricsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let start = Instant::now();
        let in_flight: InFlightGuard = self.metrics.http_in_flight();
        let request_id = req
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| valid_request_id(v))
            .map_or_else(new_request_id, str::to_owned);
        // `match_pattern` consults the resource map, so it works before routing has run.
        let route = req.match_pattern().unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
        let method = req.method().as_str().to_owned();
        req.extensions_mut().insert(RequestId(request_id.clone()));

        let span = tracing::info_span!("http_request", request_id = %request_id, method = %method, route = %route);
        let fut = {
            let _entered = span.enter();
            self.service.call(req)
        };
        let metrics = self.metrics.clone();
        Box::pin(
            async move {
                let result = fut.await;
                let status = match &result {
                    Ok(res) => res.status().as_u16(),
                    Err(e) => e.as_response_error().status_code().as_u16(),
                };
                let elapsed = start.elapsed();
                metrics.record_http_request(&route, &method, status, elapsed);
                drop(in_flight);
                tracing::info!(status, duration_ms = elapsed.as_secs_f64() * 1e3, "request finished");
                result.map(|mut res| {
                    if let Ok(value) = HeaderValue::from_str(&request_id) {
                        res.headers_mut().insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
                    }
                    res
                })
            }
            .instrument(span),
        )
    }
}

/// Whether an incoming request id is safe to reuse: 1 to 64 characters of `[A-Za-z0-9._-]`.
pub fn valid_request_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A new request id: 16 lowercase hex digits from a per-process random key and a counter
/// (unique within the process, unpredictable across processes).
pub fn new_request_id() -> String {
    static STATE: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:016x}", STATE.get_or_init(RandomState::new).hash_one(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_validated_and_generated() {
        assert!(valid_request_id("abc-DEF_1.2"));
        assert!(!valid_request_id(""));
        assert!(!valid_request_id("a b"));
        assert!(!valid_request_id(&"a".repeat(65)));
        let a = new_request_id();
        let b = new_request_id();
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
        assert!(valid_request_id(&a));
    }

    #[test]
    fn metrics_handle_is_send_sync() {
        fn is<T: Send + Sync + Clone>() {}
        is::<Metrics>();
    }

    #[test]
    fn status_classes() {
        use crate::metrics::status_class;
        assert_eq!(status_class(204), "2xx");
        assert_eq!(status_class(404), "4xx");
        assert_eq!(status_class(503), "5xx");
        assert_eq!(status_class(42), "other");
    }
}
