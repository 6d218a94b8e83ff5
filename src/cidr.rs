//! Address-prefix arithmetic shared by the evaluators (cidrsubnet, cidrhost, ...) and the rules
//! (containment, overlap). IPv4 and IPv6 both work; the Azure rules are about IPv4.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Parses `a.b.c.d/n` (or IPv6). Host bits are allowed, as Terraform and ARM allow them; the
/// result keeps them, callers use `.trunc()` for the network.
pub fn parse(s: &str) -> Option<IpNet> {
    s.trim().parse::<IpNet>().ok()
}

pub fn contains(outer: &IpNet, inner: &IpNet) -> bool {
    outer.trunc().contains(&inner.trunc())
}

pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    let (a, b) = (a.trunc(), b.trunc());
    a.contains(&b) || b.contains(&a)
}

fn bits(net: &IpNet) -> u8 {
    match net {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    }
}

fn to_u128(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u32::from(a) as u128,
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_u128(v4: bool, n: u128) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(n as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(n))
    }
}

fn make(v4: bool, addr: u128, prefix: u8) -> Result<IpNet, String> {
    let addr = from_u128(v4, addr);
    match addr {
        IpAddr::V4(a) => Ipv4Net::new(a, prefix).map(IpNet::V4),
        IpAddr::V6(a) => Ipv6Net::new(a, prefix).map(IpNet::V6),
    }
    .map_err(|e| e.to_string())
}

/// The prefix length of a string built from known text and unknown parts (each written as
/// `unknown`), when the string is sure to be an IPv4 prefix of that length whatever the unknown
/// parts are: the known text after the last unknown part ends in a literal `/NN` (at most 32),
/// and every other known character is a digit or a dot, in at most four octets of at most three
/// digits (`${base}.0/27`, `10.${x}.0.0/16`). `${a}/${b}` (no literal length), `${name}-snet/27`
/// and a string without unknown parts give None.
pub fn partial_prefix_len(text: &str, unknown: char) -> Option<u8> {
    let (address, len) = text.rsplit_once('/')?;
    if !address.contains(unknown)
        || len.is_empty()
        || len.len() > 2
        || !len.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let len: u8 = len.parse().ok().filter(|&n| n <= 32)?;
    let octets: Vec<&str> = address.split('.').collect();
    let octet_ok = |o: &&str| {
        let digits: String = o.chars().filter(|&c| c != unknown).collect();
        o.chars().all(|c| c == unknown || c.is_ascii_digit())
            && digits.len() <= 3
            && (o.contains(unknown) || digits.parse::<u8>().is_ok())
    };
    (octets.len() <= 4 && octets.iter().all(octet_ok)).then_some(len)
}

/// Number of addresses in an IPv4 prefix of `len` bits.
pub fn ipv4_addr_count(len: u8) -> u128 {
    1u128 << (32 - u32::from(len.min(32)))
}

/// The lowest-addressed free `/len` block of the address family `ipv6` says: aligned to its
/// size (as every prefix is), inside one prefix of `spaces`, overlapping none of `taken`.
/// Prefixes of the other family are ignored. A block must fit inside a single prefix of
/// `spaces` (Azure places a subnet in one address-space prefix: two adjacent /25s hold no /24).
pub fn first_free(spaces: &[IpNet], taken: &[IpNet], ipv6: bool, len: u8) -> Option<IpNet> {
    let width = if ipv6 { 128 } else { 32 };
    if len > width {
        return None;
    }
    // The taken ranges merged into disjoint intervals sorted by start, so that their ends
    // are sorted too and one binary search finds the first that can reach a block.
    let mut intervals: Vec<(u128, u128)> = taken
        .iter()
        .filter(|t| t.addr().is_ipv6() == ipv6)
        .map(interval)
        .collect();
    intervals.sort_unstable();
    let mut merged: Vec<(u128, u128)> = Vec::with_capacity(intervals.len());
    for (start, end) in intervals {
        match merged.last_mut() {
            Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mask = last_offset(width - len);
    let mut best: Option<u128> = None;
    for space in spaces.iter().filter(|s| s.addr().is_ipv6() == ipv6) {
        if space.prefix_len() > len {
            continue;
        }
        let (first, last) = interval(space);
        let mut cursor = first;
        while let Some(start) = cursor.checked_add(mask).map(|c| c & !mask) {
            let end = start + mask;
            if end > last || best.is_some_and(|b| start >= b) {
                break;
            }
            let next = merged.partition_point(|&(_, e)| e < start);
            match merged.get(next) {
                Some(&(s, e)) if s <= end => match e.checked_add(1) {
                    Some(after) => cursor = after,
                    None => break,
                },
                _ => {
                    best = Some(start);
                    break;
                }
            }
        }
    }
    best.and_then(|start| make(!ipv6, start, len).ok())
}

/// The offset of the last address of a block with `host_bits` host bits.
fn last_offset(host_bits: u8) -> u128 {
    if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    }
}

/// The first and last address of a prefix, as numbers.
fn interval(net: &IpNet) -> (u128, u128) {
    let start = to_u128(net.trunc().addr());
    (start, start + last_offset(bits(net) - net.prefix_len()))
}

/// The `/len` prefix that holds `net` (its supernet), when `len` is not longer than its own.
pub fn supernet(net: &IpNet, len: u8) -> Option<IpNet> {
    if len > net.prefix_len() {
        return None;
    }
    make(net.addr().is_ipv4(), to_u128(net.addr()), len)
        .ok()
        .map(|n| n.trunc())
}

/// Terraform's `cidrsubnet(prefix, newbits, netnum)`.
pub fn subnet(prefix: &IpNet, newbits: i64, netnum: i64) -> Result<IpNet, String> {
    let total = bits(prefix) as i64;
    let new_len = prefix.prefix_len() as i64 + newbits;
    if newbits < 0 {
        return Err("newbits must not be negative".into());
    }
    if new_len > total {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            prefix.prefix_len()
        ));
    }
    if netnum < 0 || (newbits < 127 && (netnum as u128) >= (1u128 << newbits)) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let base = to_u128(prefix.trunc().addr());
    let shift = total - new_len;
    let offset = if shift >= 128 {
        0
    } else {
        (netnum as u128) << shift
    };
    make(prefix.addr().is_ipv4(), base | offset, new_len as u8)
}

/// Terraform's `cidrhost(prefix, hostnum)`; a negative hostnum counts from the end.
pub fn host(prefix: &IpNet, hostnum: i64) -> Result<IpAddr, String> {
    let host_bits = (bits(prefix) - prefix.prefix_len()) as u32;
    let size: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits
    };
    let index: u128 = if hostnum >= 0 {
        hostnum as u128
    } else {
        let back = hostnum.unsigned_abs() as u128;
        if back > size {
            return Err(format!(
                "prefix of {} does not accommodate a host numbered {hostnum}",
                prefix.prefix_len()
            ));
        }
        size - back
    };
    if host_bits < 128 && index >= size {
        return Err(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            prefix.prefix_len()
        ));
    }
    let base = to_u128(prefix.trunc().addr());
    Ok(from_u128(prefix.addr().is_ipv4(), base | index))
}

/// Terraform's `cidrnetmask(prefix)` (IPv4 only, as in Terraform).
pub fn netmask(prefix: &IpNet) -> Result<Ipv4Addr, String> {
    match prefix {
        IpNet::V4(n) => Ok(n.netmask()),
        IpNet::V6(_) => Err("only IPv4 networks have a netmask".into()),
    }
}

/// Number of addresses in the prefix (saturating for huge IPv6 ranges).
pub fn addr_count(prefix: &IpNet) -> u128 {
    let host_bits = (bits(prefix) - prefix.prefix_len()) as u32;
    if host_bits >= 128 {
        u128::MAX
    } else {
        1u128 << host_bits
    }
}

/// ARM's `cidrSubnet(network, newCIDR, subnetIndex)`: the new prefix length is absolute.
pub fn arm_subnet(prefix: &IpNet, new_len: i64, index: i64) -> Result<IpNet, String> {
    let newbits = new_len - prefix.prefix_len() as i64;
    if newbits < 0 {
        return Err(format!(
            "new prefix /{new_len} is shorter than /{}",
            prefix.prefix_len()
        ));
    }
    subnet(prefix, newbits, index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> IpNet {
        parse(s).unwrap()
    }

    #[test]
    fn cidrsubnet_matches_terraform_documentation() {
        assert_eq!(
            subnet(&n("172.16.0.0/12"), 4, 2).unwrap(),
            n("172.18.0.0/16")
        );
        assert_eq!(
            subnet(&n("10.1.2.0/24"), 4, 15).unwrap(),
            n("10.1.2.240/28")
        );
        assert_eq!(
            subnet(&n("fd00:fd12:3456:7890::/56"), 16, 162).unwrap(),
            n("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            subnet(&n("192.168.0.0/16"), 0, 0).unwrap(),
            n("192.168.0.0/16")
        );
        assert_eq!(subnet(&n("10.0.0.5/16"), 8, 1).unwrap(), n("10.0.1.0/24"));
    }

    #[test]
    fn cidrsubnet_rejects_what_terraform_rejects() {
        assert!(subnet(&n("10.0.0.0/30"), 4, 0).is_err());
        assert!(subnet(&n("10.0.0.0/16"), 2, 4).is_err());
        assert!(subnet(&n("10.0.0.0/16"), -1, 0).is_err());
        assert!(subnet(&n("10.0.0.0/16"), 8, -1).is_err());
        assert!(subnet(&n("10.0.0.0/0"), 200, 1).is_err());
    }

    #[test]
    fn cidrhost_counts_from_both_ends() {
        assert_eq!(
            host(&n("10.12.112.0/20"), 16).unwrap().to_string(),
            "10.12.112.16"
        );
        assert_eq!(
            host(&n("10.12.112.0/20"), 268).unwrap().to_string(),
            "10.12.113.12"
        );
        assert_eq!(
            host(&n("10.0.0.0/24"), -1).unwrap().to_string(),
            "10.0.0.255"
        );
        assert_eq!(
            host(&n("10.0.0.0/24"), -256).unwrap().to_string(),
            "10.0.0.0"
        );
        assert!(host(&n("10.0.0.0/24"), 256).is_err());
        assert!(host(&n("10.0.0.0/24"), -257).is_err());
        assert_eq!(host(&n("fd00::/120"), 5).unwrap().to_string(), "fd00::5");
    }

    #[test]
    fn cidrnetmask_is_ipv4_only() {
        assert_eq!(
            netmask(&n("172.16.0.0/12")).unwrap().to_string(),
            "255.240.0.0"
        );
        assert!(netmask(&n("fd00::/8")).is_err());
    }

    #[test]
    fn arm_cidr_subnet_takes_an_absolute_length() {
        assert_eq!(
            arm_subnet(&n("10.144.0.0/20"), 24, 3).unwrap(),
            n("10.144.3.0/24")
        );
        assert!(arm_subnet(&n("10.144.0.0/20"), 16, 0).is_err());
    }

    #[test]
    fn a_literal_length_after_unknown_parts_is_a_prefix_length() {
        let len = |t: &str| partial_prefix_len(&t.replace('?', "\u{1}"), '\u{1}');
        assert_eq!(len("?.0/27"), Some(27));
        assert_eq!(len("10.?.0.0/16"), Some(16));
        assert_eq!(len("?/24"), Some(24));
        assert_eq!(len("10.0.?/28"), Some(28));
        assert_eq!(len("?/?"), None, "no literal length");
        assert_eq!(len("?/2?"), None);
        assert_eq!(len("10.0.0.0/16"), None, "nothing unknown");
        assert_eq!(len("10.XX.?.0/16"), None, "a placeholder, not an address");
        assert_eq!(len("?-snet/27"), None);
        assert_eq!(len("?.0/33"), None);
        assert_eq!(len("?.0/064"), None);
        assert_eq!(len("10.0.0.0.?/24"), None, "five octets");
        assert_eq!(len("?.300/24"), None);
        assert_eq!(len("?::/64"), None, "IPv6");
        assert_eq!(len("?/?/24"), None, "two slashes");
        assert_eq!(len("?/24/"), None);
    }

    fn free(spaces: &[&str], taken: &[&str], len: u8) -> Option<String> {
        let spaces: Vec<IpNet> = spaces.iter().map(|s| n(s)).collect();
        let taken: Vec<IpNet> = taken.iter().map(|s| n(s)).collect();
        let ipv6 = spaces.first().is_some_and(|s| s.addr().is_ipv6());
        first_free(&spaces, &taken, ipv6, len).map(|f| f.to_string())
    }

    #[test]
    fn a_free_block_is_the_lowest_one_aligned_to_its_size() {
        assert_eq!(
            free(&["10.0.0.0/16"], &[], 24).as_deref(),
            Some("10.0.0.0/24")
        );
        // 10.0.0.32/24 is not a prefix: after a /27 at the start the next /24 is 10.0.1.0.
        assert_eq!(
            free(&["10.0.0.0/16"], &["10.0.0.0/27"], 24).as_deref(),
            Some("10.0.1.0/24")
        );
        assert_eq!(
            free(&["10.0.0.0/16"], &["10.0.0.0/27"], 27).as_deref(),
            Some("10.0.0.32/27")
        );
        // Host bits in a taken prefix do not move it.
        assert_eq!(
            free(&["10.0.0.0/16"], &["10.0.0.7/24"], 24).as_deref(),
            Some("10.0.1.0/24")
        );
        // Taken ranges outside the space, nested or repeated change nothing.
        assert_eq!(
            free(
                &["10.0.0.0/16"],
                &[
                    "192.168.0.0/16",
                    "10.0.0.0/24",
                    "10.0.0.128/25",
                    "10.0.0.0/24"
                ],
                24
            )
            .as_deref(),
            Some("10.0.1.0/24")
        );
    }

    #[test]
    fn fragmented_space_holds_small_blocks_but_not_large_ones() {
        let taken = [
            "10.0.0.0/26",
            "10.0.1.128/25",
            "10.0.2.64/26",
            "10.0.3.0/24",
        ];
        assert_eq!(free(&["10.0.0.0/22"], &taken, 24), None);
        assert_eq!(
            free(&["10.0.0.0/22"], &taken, 25).as_deref(),
            Some("10.0.0.128/25")
        );
        assert_eq!(
            free(&["10.0.0.0/22"], &taken, 26).as_deref(),
            Some("10.0.0.64/26")
        );
        // 512 free addresses in all, but no aligned /23 among them.
        assert_eq!(free(&["10.0.0.0/22"], &taken, 23), None);
    }

    #[test]
    fn a_full_space_or_a_block_larger_than_it_has_no_room() {
        assert_eq!(free(&["10.0.0.0/24"], &["10.0.0.0/24"], 27), None);
        assert_eq!(free(&["10.0.0.0/24"], &["10.0.0.0/16"], 29), None);
        assert_eq!(free(&["10.0.0.0/24"], &[], 23), None);
        assert_eq!(free(&["10.0.0.0/24"], &[], 33), None);
        assert_eq!(free(&[], &[], 24), None);
    }

    #[test]
    fn every_address_space_is_searched_and_the_lowest_block_wins() {
        assert_eq!(
            free(&["10.1.0.0/16", "10.0.0.0/24"], &["10.0.0.0/25"], 26).as_deref(),
            Some("10.0.0.128/26")
        );
        assert_eq!(
            free(&["10.1.0.0/16", "10.0.0.0/24"], &["10.0.0.0/25"], 24).as_deref(),
            Some("10.1.0.0/24")
        );
        // Two adjacent /25 address spaces do not hold a /24: a subnet lies in one of them.
        assert_eq!(free(&["10.0.0.0/25", "10.0.0.128/25"], &[], 24), None);
    }

    #[test]
    fn the_other_address_family_is_ignored_and_ipv6_works_alike() {
        assert_eq!(
            free(&["10.0.0.0/24", "fd00::/48"], &["fd00::/8"], 26).as_deref(),
            Some("10.0.0.0/26")
        );
        assert_eq!(
            free(
                &["fd00::/48", "10.0.0.0/24"],
                &["fd00::/64", "10.0.0.0/8"],
                64
            )
            .as_deref(),
            Some("fd00:0:0:1::/64")
        );
        assert_eq!(free(&["::/0"], &[], 0).as_deref(), Some("::/0"));
        assert_eq!(free(&["::/0"], &["::1/128"], 0), None);
    }

    #[test]
    fn the_top_of_the_address_range_does_not_overflow() {
        assert_eq!(
            free(&["255.255.255.0/24"], &["255.255.255.0/25"], 25).as_deref(),
            Some("255.255.255.128/25")
        );
        assert_eq!(
            free(&["255.255.255.0/24"], &["255.255.255.128/25"], 24),
            None
        );
        assert_eq!(
            free(
                &["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"],
                &["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/121"],
                121
            )
            .as_deref(),
            Some("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff80/121")
        );
    }

    #[test]
    fn a_supernet_is_the_block_that_holds_a_prefix() {
        assert_eq!(supernet(&n("10.0.4.32/27"), 24), Some(n("10.0.4.0/24")));
        assert_eq!(supernet(&n("10.0.4.0/27"), 27), Some(n("10.0.4.0/27")));
        assert_eq!(supernet(&n("10.0.4.0/24"), 27), None);
    }

    #[test]
    fn containment_and_overlap_ignore_host_bits() {
        assert!(contains(&n("10.0.0.0/16"), &n("10.0.5.0/24")));
        assert!(!contains(&n("10.0.0.0/24"), &n("10.0.0.0/16")));
        assert!(overlaps(&n("10.0.0.0/16"), &n("10.0.255.0/24")));
        assert!(!overlaps(&n("10.0.0.0/24"), &n("10.0.1.0/24")));
        assert!(overlaps(&n("10.0.0.7/24"), &n("10.0.0.128/25")));
    }
}
