//! The request bodies of the HTTP API, and how a body's JSON becomes one: public so that the
//! fuzz target `api_bodies` (fuzz/) decodes them exactly as the routes do. The routes' extractor
//! (`routes::Json`) reads the JSON with actix-web (size limit, content type), then calls
//! [`from_value`]; [`decode`] is the same from bytes.

use crate::{ApiError, ApiResult};
use serde::de::DeserializeOwned;

pub use crate::routes::admin::Login;
pub use crate::routes::announcements::Announcement;
pub use crate::routes::claims::{Checking, PaperClaim};
pub use crate::routes::games::{AutoDraw, Call, Paper};
pub use crate::routes::players::{Claim, Daub, Join, Recover};
pub use crate::routes::sales::{Books, SnowballPot};
/// The create-game body.
pub use bingo_core::GameConfig;
/// The create-session and template body.
pub use bingo_service::SessionPlan;

/// A body from its bytes, as a route reads it: JSON, then [`from_value`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::bad_request(format!("the JSON body is not valid: {e}")))?;
    from_value(value)
}

/// A body from its JSON: numbers that are whole but written with a fraction or exponent (`7.0`,
/// `1e3`) are taken as the integers they are, as JSON Schema counts them, up to 2^53 (beyond it a
/// float is not exact, so such a number must be written as an integer).
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> ApiResult<T> {
    T::deserialize(whole_numbers(value)).map_err(|e| ApiError::bad_request(format!("the JSON body is not valid: {e}")))
}

/// The largest whole number a JSON float holds exactly (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// `value` with every whole float of at most 2^53 in magnitude made an integer.
fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() <= EXACT => {
                // Exact: |f| <= 2^53 fits i64 without rounding.
                Value::Number(serde_json::Number::from(f as i64))
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_are_integers_up_to_two_to_the_53() {
        assert_eq!(
            whole_numbers(json!({"a": 7.0, "b": [1e3, -2.0], "c": 7.5})),
            json!({"a": 7, "b": [1000, -2], "c": 7.5})
        );
        assert_eq!(whole_numbers(json!(9007199254740992.0)), json!(9007199254740992_u64));
        assert!(whole_numbers(json!(1e17)).is_f64(), "beyond 2^53 a float is not exact and stays a float");
        assert_eq!(whole_numbers(json!(18446744073709551615_u64)), json!(18446744073709551615_u64));
    }

    #[test]
    fn bodies_decode_as_the_routes_read_them() {
        assert!(decode::<Paper>(br#"{"count": 5.0}"#).is_ok());
        let refused = decode::<Paper>(br#"{"count": 5, "extra": 1}"#).err().map(|e| e.code);
        assert_eq!(refused, Some("bad_request"));
        assert!(decode::<Join>(b"not json").is_err());
    }
}
