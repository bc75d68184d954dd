//! 128-bit keys (XXH3-128) for what must be compared across a whole log
//! without keeping its text: click ids (exactly-once counting) and the
//! velocity rules' buckets (ad, minute, IP or user). Two different values
//! share a key with probability about n²/2¹²⁹ for n values: below 10⁻²⁴
//! for 20 M ids.

use xxhash_rust::xxh3::xxh3_128;

/// The key of a click id.
pub fn id_key(id: &[u8]) -> u128 {
    xxh3_128(id)
}

/// Which velocity rule a bucket key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketKind {
    /// Clicks on an ad from one IP within a minute.
    Ip = 1,
    /// Clicks on an ad by one user within a minute.
    User = 2,
}

/// The key of a velocity bucket: (kind, ad, epoch minute, who), framed so
/// that no two different tuples are the same bytes. `scratch` is reused.
pub fn bucket_key(kind: BucketKind, ad: &[u8], minute: i64, who: &[u8], scratch: &mut Vec<u8>) -> u128 {
    scratch.clear();
    scratch.push(kind as u8);
    scratch.extend_from_slice(&(ad.len() as u32).to_le_bytes());
    scratch.extend_from_slice(ad);
    scratch.extend_from_slice(&minute.to_le_bytes());
    scratch.extend_from_slice(who);
    xxh3_128(scratch)
}

/// An IP address as velocity buckets compare it: IPv6 text in its
/// canonical form (`2001:0db8::0001` is `2001:db8::1`; an IPv4-mapped
/// address is the IPv4 address), other text as written.
pub fn canonical_ip<'a>(ip: &'a [u8], buf: &'a mut String) -> &'a [u8] {
    if !ip.contains(&b':') {
        return ip;
    }
    match std::str::from_utf8(ip).ok().and_then(|s| s.parse::<std::net::Ipv6Addr>().ok()) {
        Some(a) => {
            use std::fmt::Write;
            buf.clear();
            let _ = match a.to_ipv4_mapped() {
                Some(v4) => write!(buf, "{v4}"),
                None => write!(buf, "{a}"),
            };
            buf.as_bytes()
        }
        None => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_keeps_tuples_apart() {
        let mut s = Vec::new();
        let a = bucket_key(BucketKind::Ip, b"ab", 1, b"c", &mut s);
        let b = bucket_key(BucketKind::Ip, b"a", 1, b"bc", &mut s);
        let c = bucket_key(BucketKind::User, b"ab", 1, b"c", &mut s);
        assert!(a != b && a != c && b != c);
        assert_eq!(a, bucket_key(BucketKind::Ip, b"ab", 1, b"c", &mut s));
        assert_ne!(id_key(b"x"), id_key(b"y"));
        let mut buf = String::new();
        assert_eq!(canonical_ip(b"2001:0db8:0:0::1", &mut buf), b"2001:db8::1");
        assert_eq!(canonical_ip(b"::ffff:1.2.3.4", &mut buf), b"1.2.3.4");
        assert_eq!(canonical_ip(b"10.0.0.1", &mut buf), b"10.0.0.1");
    }
}
