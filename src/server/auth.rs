//! Who may do what: random tokens and join codes, the join-guessing limiter, and the
//! cross-site request check.
//!
//! Tokens are 128 random bits from the operating system, sent as `Authorization: Bearer …`
//! (or, where a browser cannot set headers — WebSockets — as `?token=`); the server keeps only
//! their SHA-256. Join codes are short (8 characters, about 40 bits) because people type them,
//! so failed joins are limited per address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Method, header};

use super::error::ApiError;

/// Unambiguous characters for join codes (Crockford's base 32: no I, L, O, U).
const CODE_CHARS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::internal(format!("no randomness for a token: {e}")))?;
    Ok(bytes)
}

/// A new secret token: 128 random bits in hex.
pub fn new_token() -> Result<String, ApiError> {
    Ok(crate::replay::record::hex(&random::<16>()?))
}

/// A new join code, `XXXX-XXXX`.
pub fn new_code() -> Result<String, ApiError> {
    let bytes = random::<8>()?;
    let chars: String = bytes
        .iter()
        .map(|b| CODE_CHARS[usize::from(b & 31)] as char)
        .collect();
    Ok(format!("{}-{}", &chars[..4], &chars[4..]))
}

/// A join code as typed: upper case, without spaces or dashes, with the letters people
/// confuse for digits read as those digits.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// The SHA-256 of a token, as kept by the server.
pub fn token_hash(token: &str) -> String {
    crate::replay::record::sha256_hex(token.trim().as_bytes())
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

/// The value of a cookie, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Refuses state-changing requests that a page on another site made the browser send: an
/// `Origin` that is not this server, or `Sec-Fetch-Site: cross-site`. (API calls also need
/// `Content-Type: application/json`, which a cross-site form cannot send without a preflight
/// this server never grants.)
pub fn same_site(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let refuse = || ApiError::forbidden("cross-site requests are refused");
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site.eq_ignore_ascii_case("cross-site")
    {
        return Err(refuse());
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map_or(origin, |(_, rest)| rest)
            .trim_end_matches('/');
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Err(refuse());
        }
    }
    Ok(())
}

/// Failed joins allowed per address and window.
pub const JOIN_FAILURES: u32 = 10;
/// The window.
pub const JOIN_WINDOW: Duration = Duration::from_secs(60);

/// Counts failed joins per address: after [`JOIN_FAILURES`] in [`JOIN_WINDOW`], that address
/// may not try again until the window ends.
#[derive(Debug, Default)]
pub struct JoinLimiter {
    failures: HashMap<IpAddr, (Instant, u32)>,
}

impl JoinLimiter {
    /// Whether `ip` may try a join now.
    pub fn allowed(&mut self, ip: IpAddr, now: Instant) -> bool {
        match self.failures.get(&ip) {
            Some(&(start, n)) if now.duration_since(start) < JOIN_WINDOW => n < JOIN_FAILURES,
            _ => true,
        }
    }

    /// Counts a failed join from `ip`.
    pub fn failed(&mut self, ip: IpAddr, now: Instant) {
        if self.failures.len() > 100_000 {
            // Forget old windows rather than grow without bound.
            self.failures
                .retain(|_, (start, _)| now.duration_since(*start) < JOIN_WINDOW);
        }
        let entry = self.failures.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= JOIN_WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_unambiguous_and_forgiving() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 9);
        assert!(
            code.chars()
                .all(|c| c == '-' || CODE_CHARS.contains(&(c as u8)))
        );
        assert_eq!(normalize_code(" k7qm-3xpd "), "K7QM3XPD");
        assert_eq!(normalize_code("O1IL"), "0111");
        assert_ne!(new_token().unwrap(), new_token().unwrap());
        assert_eq!(new_token().unwrap().len(), 32);
    }

    #[test]
    fn failed_joins_are_limited_per_address_and_window() {
        let mut l = JoinLimiter::default();
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        let other: IpAddr = "10.0.0.8".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..JOIN_FAILURES {
            assert!(l.allowed(ip, t0));
            l.failed(ip, t0);
        }
        assert!(!l.allowed(ip, t0));
        assert!(l.allowed(other, t0));
        assert!(l.allowed(ip, t0 + JOIN_WINDOW));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_site(&Method::POST, &h).is_ok(), "no origin: curl");
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_site(&Method::POST, &h).is_ok());
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(same_site(&Method::POST, &h).is_err());
        assert!(same_site(&Method::GET, &h).is_ok(), "reads are not writes");
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_site(&Method::POST, &h).is_err());
        assert_eq!(bearer(&HeaderMap::new()), None);
        let mut a = HeaderMap::new();
        a.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&a), Some("abc"));
    }
}
