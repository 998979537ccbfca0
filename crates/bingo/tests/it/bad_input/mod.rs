//! Every kind of bad input, over HTTP and the socket, on the embedded default: each is answered
//! with a 4xx and `{"error":{"code","message"}}` with a stable code (or, on the socket, an
//! `error` message and/or a close), never a 5xx, a hang or a crash. Then the rate limits, with
//! the default limits rather than the test kit's high ones.

mod http;
mod rate_limits;
mod socket;
