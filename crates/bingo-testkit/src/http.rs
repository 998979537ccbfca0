//! A small blocking HTTP client that returns (status, JSON body) whatever the status.

use serde_json::Value;

pub struct Http {
    base: String,
    agent: ureq::Agent,
    /// Sent as `Authorization: Bearer` when set.
    pub token: Option<String>,
}

impl Http {
    pub fn new(base: &str) -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        Http { base: base.trim_end_matches('/').to_string(), agent, token: None }
    }

    pub fn with_token(&self, token: &str) -> Http {
        let mut http = Http::new(&self.base);
        http.token = Some(token.to_string());
        http
    }

    fn finish(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
        match result {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let text = response.body_mut().read_to_string().unwrap_or_default();
                (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
            }
            Err(e) => (0, Value::String(e.to_string())),
        }
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        Self::finish(req.call())
    }

    /// GET returning the raw text (for /metrics).
    pub fn get_text(&self, path: &str) -> (u16, String) {
        match self.agent.get(format!("{}{path}", self.base)).call() {
            Ok(mut r) => (r.status().as_u16(), r.body_mut().read_to_string().unwrap_or_default()),
            Err(e) => (0, e.to_string()),
        }
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send("POST", path, body.to_string().as_bytes(), "application/json")
    }

    pub fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send("PUT", path, body.to_string().as_bytes(), "application/json")
    }

    /// Any method and raw body (for malformed input).
    pub fn send(&self, method: &str, path: &str, body: &[u8], content_type: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut req = ureq::http::Request::builder().method(method).uri(url).header("Content-Type", content_type);
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let req = req.body(body.to_vec()).expect("request");
        Self::finish(self.agent.run(req))
    }
}
