//! The fraud rules (V1, rule-based): their ids and order, options, the
//! IP blocklist (IPv4/IPv6 addresses and CIDR ranges, with `ipnet`) and
//! the bot user-agent check (the `isbot` crate's pattern list).

use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::{FxHashMap, FxHashSet};

/// `ip_blocklist`: the click's IP is in the user's list.
pub const IP_BLOCKLIST: u8 = 1;
/// `bot_user_agent`: empty user agent, or one the bot list matches.
pub const BOT_USER_AGENT: u8 = 2;
/// `ip_velocity`: more than N clicks on the ad from the IP in the minute.
pub const IP_VELOCITY: u8 = 4;
/// `user_velocity`: more than N clicks on the ad by the user in the minute.
pub const USER_VELOCITY: u8 = 8;

/// Every rule: its bit and id, in the order `rules` cells list them.
pub const RULES: [(u8, &str); 4] =
    [(IP_BLOCKLIST, "ip_blocklist"), (BOT_USER_AGENT, "bot_user_agent"), (IP_VELOCITY, "ip_velocity"), (USER_VELOCITY, "user_velocity")];

/// The bot pattern list: the `isbot` crate's, this version (a test holds
/// it to Cargo.lock).
pub const BOT_LIST_VERSION: &str = "isbot 0.1.3";

/// The default of N for the velocity rules.
pub const DEFAULT_VELOCITY_MAX: u32 = 5;

/// A rule's bit from its id.
pub fn rule_bit(id: &str) -> Option<u8> {
    RULES.iter().find(|(_, name)| *name == id).map(|(bit, _)| *bit)
}

/// `ip_blocklist|ip_velocity` for a set of rule bits.
pub fn push_rule_ids(out: &mut String, bits: u8) {
    let mut first = true;
    for (bit, name) in RULES {
        if bits & bit != 0 {
            if !first {
                out.push('|');
            }
            out.push_str(name);
            first = false;
        }
    }
}

/// The user's choices for the rules.
#[derive(Debug, Clone)]
pub struct RuleOptions {
    /// Bits of the rules switched off.
    pub off: u8,
    /// N of the velocity rules (flagged when a bucket has more than N).
    pub velocity_max: u32,
    /// The IP blocklist (empty: nothing blocked).
    pub blocklist: Blocklist,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions { off: 0, velocity_max: DEFAULT_VELOCITY_MAX, blocklist: Blocklist::default() }
    }
}

/// IP addresses and CIDR ranges.
#[derive(Debug, Clone, Default)]
pub struct Blocklist {
    /// Every range, truncated to its network address.
    nets: FxHashSet<IpNet>,
    /// The prefix lengths present, per family (v4, v6).
    prefixes: Vec<(bool, u8)>,
    /// How many entries.
    pub entries: usize,
}

impl Blocklist {
    /// Reads a list: one address or CIDR range per line; `#` starts a
    /// comment; blank lines are skipped. An entry that is neither is an
    /// error naming its line.
    pub fn parse(text: &str) -> Result<Blocklist, String> {
        let mut list = Blocklist::default();
        for (i, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            let net = match entry.parse::<IpNet>() {
                Ok(n) => n.trunc(),
                Err(_) => match entry.parse::<IpAddr>() {
                    Ok(a) => IpNet::from(a),
                    Err(_) => return Err(format!("blocklist line {}: {entry:?} is not an IP address or a CIDR range", i + 1)),
                },
            };
            let p = (matches!(net, IpNet::V6(_)), net.prefix_len());
            if !list.prefixes.contains(&p) {
                list.prefixes.push(p);
            }
            list.nets.insert(net);
            list.entries += 1;
        }
        Ok(list)
    }

    /// Whether the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Whether `ip` (its text) is listed or in a listed range; text that
    /// is not an IP address is not.
    pub fn contains(&self, ip: &[u8]) -> bool {
        let Some(addr) = std::str::from_utf8(ip).ok().and_then(|s| s.trim().parse::<IpAddr>().ok()) else { return false };
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            a => a,
        };
        let v6 = addr.is_ipv6();
        self.prefixes
            .iter()
            .filter(|(is6, _)| *is6 == v6)
            .any(|&(_, len)| IpNet::new(addr, len).is_ok_and(|n| self.nets.contains(&n.trunc())))
    }
}

/// The bot user-agent check, remembering each distinct user agent's
/// answer (logs repeat a few thousand user agents millions of times).
pub struct BotCheck {
    bots: isbot::Bots,
    seen: FxHashMap<Box<[u8]>, bool>,
}

/// Distinct user agents remembered at most (past it, each is matched).
const BOT_CACHE: usize = 1 << 16;

impl Default for BotCheck {
    fn default() -> Self {
        BotCheck { bots: isbot::Bots::default(), seen: FxHashMap::default() }
    }
}

impl BotCheck {
    /// Whether `ua` is a bot's: empty, or matched by the list.
    pub fn is_bot(&mut self, ua: &[u8]) -> bool {
        if ua.iter().all(u8::is_ascii_whitespace) {
            return true;
        }
        if let Some(&b) = self.seen.get(ua) {
            return b;
        }
        let b = self.bots.is_bot(&String::from_utf8_lossy(ua));
        if self.seen.len() < BOT_CACHE {
            self.seen.insert(ua.into(), b);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocklist_matches_addresses_and_ranges() {
        let list = Blocklist::parse("# bad\n10.0.0.0/8\n192.168.1.7 # one\n\n2001:db8::/32\n").unwrap();
        assert_eq!(list.entries, 3);
        assert!(list.contains(b"10.1.2.3"));
        assert!(list.contains(b"192.168.1.7"));
        assert!(!list.contains(b"192.168.1.8"));
        assert!(list.contains(b"2001:db8::1"));
        assert!(!list.contains(b"2001:db9::1"));
        assert!(list.contains(b"::ffff:10.9.9.9"));
        assert!(!list.contains(b"not an ip"));
        assert!(!list.contains(b""));
        let err = Blocklist::parse("1.2.3.4\n300.1.1.1\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn bots_and_ids() {
        let mut b = BotCheck::default();
        assert!(b.is_bot(b""));
        assert!(b.is_bot(b"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        assert!(b.is_bot(b"curl/8.1.2"));
        assert!(!b.is_bot(b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"));
        let mut s = String::new();
        push_rule_ids(&mut s, USER_VELOCITY | IP_BLOCKLIST | BOT_USER_AGENT);
        assert_eq!(s, "ip_blocklist|bot_user_agent|user_velocity");
        assert_eq!(rule_bit("ip_velocity"), Some(IP_VELOCITY));
    }

    #[test]
    fn bot_list_version_is_the_locked_one() {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
        let want = BOT_LIST_VERSION.replace("isbot ", "name = \"isbot\"\nversion = \"");
        assert!(lock.contains(&(want + "\"")), "Cargo.lock's isbot is not {BOT_LIST_VERSION}");
    }
}
