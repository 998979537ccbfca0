//! Amounts and times as the report writes them, the same on every machine (no locale, no clock).

/// Currencies whose minor unit is not a hundredth (ISO 4217): no decimals, or three.
const NO_DECIMALS: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
    "XPF",
];
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Minor units as money: "£1,234.50", "€5.00", "$0.99", "CHF 12.00", "JPY 500"; without a
/// currency the plain count of minor units ("1,234").
pub fn format_minor(minor: u64, currency: Option<&str>) -> String {
    let Some(code) = currency else {
        return grouped(minor);
    };
    let decimals = if NO_DECIMALS.contains(&code) {
        0
    } else if THREE_DECIMALS.contains(&code) {
        3
    } else {
        2
    };
    let scale = 10u64.pow(decimals);
    let mut number = grouped(minor / scale);
    if decimals > 0 {
        number = format!("{number}.{:0width$}", minor % scale, width = decimals as usize);
    }
    match code {
        "GBP" => format!("£{number}"),
        "EUR" => format!("€{number}"),
        "USD" => format!("${number}"),
        _ => format!("{code} {number}"),
    }
}

/// 1234567 as "1,234,567".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Unix milliseconds as "2026-12-05 19:21:33 UTC" (the proleptic Gregorian calendar).
pub fn format_utc(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", of_day / 3600, of_day / 60 % 60, of_day % 60)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day). Every i64 of
/// milliseconds gives days within ±1.1e11, far from overflowing the arithmetic.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
