//! Network addresses: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`.

use super::*;

pub(super) fn prefix_arg(f: &str, a: &[Value], i: usize) -> Result<IpNet, Value> {
    let s = str_arg(f, a, i)?;
    parse_terraform_cidr(&s).ok_or_else(|| fail(f, format!("invalid CIDR expression: {s}")))
}

/// Terraform keeps Go 1.16's address parser, which reads IPv4 octets with leading zeros as
/// decimal ("010" is 10) and allows no surrounding spaces.
pub(super) fn parse_terraform_cidr(s: &str) -> Option<IpNet> {
    fn decimal(part: &str) -> Option<&str> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let trimmed = part.trim_start_matches('0');
        Some(if trimmed.is_empty() { "0" } else { trimmed })
    }
    if s.chars().any(char::is_whitespace) {
        return None;
    }
    let (addr, len) = s.split_once('/')?;
    let len = decimal(len)?;
    if addr.contains(':') {
        return cidr::parse(&format!("{addr}/{len}"));
    }
    let octets = addr.split('.').map(decimal).collect::<Option<Vec<_>>>()?;
    cidr::parse(&format!("{}/{len}", octets.join(".")))
}

pub(super) fn address_bits(prefix: &IpNet) -> u32 {
    match prefix {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    }
}

pub(super) fn cidrsubnet(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    if let Value::Unknown(u) = arg(a, 0) {
        return Err(unknown_subnets(f, u, &a[1..2], Some(arg(a, 2))).remove(0));
    }
    let prefix = prefix_arg(f, a, 0)?;
    let newbits = int_arg(f, a, 1)?;
    let netnum = whole_arg(f, a, 2)?;
    let len = i64::from(prefix.prefix_len());
    if newbits > i64::from(address_bits(&prefix)) - len {
        return Err(fail(
            f,
            format!("insufficient address space to extend prefix of {len} by {newbits}"),
        ));
    }
    if netnum.abs() > EXACT_INT {
        if netnum > 0.0 && newbits >= 53 {
            return Err(Value::unknown(format!(
                "`{f}()`: subnet numbers beyond 2^53 are not evaluated by foundry-lint"
            )));
        }
        return Err(fail(
            f,
            format!(
                "prefix extension of {newbits} does not accommodate a subnet numbered {}",
                format_number(netnum)
            ),
        ));
    }
    cidr::subnet(&prefix, newbits, netnum as i64)
        .map(|net| Value::String(go_net_string(&net)))
        .map_err(|e| fail(f, e))
}

pub(super) fn cidrhost(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let prefix = prefix_arg(f, a, 0)?;
    let hostnum = whole_arg(f, a, 1)?;
    let host_bits = address_bits(&prefix) - u32::from(prefix.prefix_len());
    if hostnum.abs() > EXACT_INT {
        if host_bits >= 53 {
            return Err(Value::unknown(format!(
                "`{f}()`: host numbers beyond 2^53 are not evaluated by foundry-lint"
            )));
        }
        return Err(fail(
            f,
            format!(
                "prefix of {} does not accommodate a host numbered {}",
                prefix.prefix_len(),
                format_number(hostnum)
            ),
        ));
    }
    cidr::host(&prefix, hostnum as i64)
        .map(|ip| Value::String(go_ip_string(ip)))
        .map_err(|e| fail(f, e))
}

pub(super) fn cidrnetmask(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let prefix = prefix_arg(f, a, 0)?;
    if is_ipv4_mapped(prefix.network()) {
        return Err(Value::unknown(format!(
            "`{f}()` of an IPv4-mapped IPv6 prefix is not evaluated by foundry-lint"
        )));
    }
    cidr::netmask(&prefix)
        .map(|mask| Value::String(mask.to_string()))
        .map_err(|_| {
            fail(
                f,
                format!(
                    "IPv6 addresses cannot have a netmask: {}",
                    str_arg(f, a, 0).unwrap_or_default()
                ),
            )
        })
}

/// Terraform's allocation: each subnet is the first block of its size that starts after the
/// previous one, so smaller blocks may leave gaps before larger ones.
pub(super) fn cidrsubnets(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    if let (Value::Unknown(u), [_, newbits @ ..]) = (arg(a, 0), a) {
        let subnets = unknown_subnets(f, u, newbits, None);
        return match subnets.as_slice() {
            [Value::Unknown(first), ..] if first.prefix_len().is_none() => Err(subnets[0].clone()),
            _ => Ok(Value::List(subnets)),
        };
    }
    let prefix = prefix_arg(f, a, 0)?;
    let bits = address_bits(&prefix);
    let len = u32::from(prefix.prefix_len());
    let protocol = if bits == 32 { "IPv4" } else { "IPv6" };
    // Offset of the first free address from the start of the prefix; `None` once the
    // allocation reached the very end of the IPv6 address space.
    let mut next: Option<u128> = Some(0);
    let mut previous = String::new();
    let mut out = Vec::new();
    for i in 1..a.len() {
        let newbits = int_arg(f, a, i)?;
        if newbits < 1 {
            return Err(bad_arg(f, i, "must extend prefix by at least one bit"));
        }
        // Terraform's own limit, "for portability with 32-bit systems".
        if newbits > 32 {
            return Err(bad_arg(f, i, "may not extend prefix by more than 32 bits"));
        }
        let newbits = newbits as u32;
        let new_len = len + newbits;
        if new_len > bits {
            return Err(bad_arg(
                f,
                i,
                format!(
                    "would extend prefix to {new_len} bits, which is too long for an {protocol} address"
                ),
            ));
        }
        let no_space = |after: &str| {
            bad_arg(
                f,
                i,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {new_len} bits after {after}"
                ),
            )
        };
        // Terraform starts from the block before the prefix; for a prefix at the zero address
        // that block wraps around to the top of the address space, and Terraform reports the
        // first allocation as overflowing.
        if i == 1 && prefix.network().is_unspecified() {
            return Err(no_space(&last_block(&prefix, new_len)));
        }
        let size = 1u128 << (bits - new_len);
        let index = next
            .map(|n| n.div_ceil(size))
            .filter(|&index| index < 1u128 << newbits);
        let Some(index) = index else {
            return Err(no_space(&previous));
        };
        let subnet = cidr::subnet(&prefix, i64::from(newbits), index as i64)
            .map_err(|e| bad_arg(f, i, e))?;
        next = (index + 1).checked_mul(size);
        previous = go_net_string(&subnet);
        out.push(Value::String(previous.clone()));
    }
    Ok(Value::List(out))
}

/// The subnets `cidrsubnet` (one, numbered `netnum`) or `cidrsubnets` (one per `newbits`)
/// carve from an IPv4 prefix whose address is unknown but whose length is known: their address
/// is unknown, their length is not. They are allocated as Terraform allocates them (relative to
/// the prefix, which is aligned to its length), so that an allocation Terraform rejects gives no
/// length. Without a length (or with `newbits` not known), one unknown without length.
fn unknown_subnets(
    f: &str,
    prefix: &Unknown,
    newbits: &[Value],
    netnum: Option<&Value>,
) -> Vec<Value> {
    let plain = || vec![Value::Unknown(prefix.derived())];
    let Some(len) = prefix.prefix_len().map(u32::from) else {
        return plain();
    };
    let mut next: u64 = 0;
    let mut out = Vec::with_capacity(newbits.len());
    for i in 0..newbits.len() {
        let Ok(bits) = int_arg(f, newbits, i) else {
            return plain();
        };
        let Some(new_len) = u32::try_from(bits)
            .ok()
            .map(|b| len + b)
            .filter(|&n| n <= 32)
        else {
            return plain();
        };
        let size = 1u64 << (32 - new_len);
        let index = match netnum {
            // A netnum not known yet still gives a subnet of this length.
            Some(Value::Unknown(u)) if !u.is_error() => 0,
            Some(n) => match n.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => n as u64,
                _ => return plain(),
            },
            None => next.div_ceil(size),
        };
        if index >= 1u64 << (new_len - len) || (netnum.is_none() && bits < 1) {
            return plain();
        }
        next = (index + 1) * size;
        out.push(Value::Unknown(prefix.with_prefix_len(new_len as u8)));
    }
    out
}

pub(super) fn is_ipv4_mapped(addr: IpAddr) -> bool {
    matches!(addr, IpAddr::V6(a) if a.to_ipv4_mapped().is_some())
}

/// Go prints IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) in dotted IPv4 form.
pub(super) fn go_ip_string(addr: IpAddr) -> String {
    match addr {
        IpAddr::V6(a) => a
            .to_ipv4_mapped()
            .map_or_else(|| a.to_string(), |v4| v4.to_string()),
        IpAddr::V4(a) => a.to_string(),
    }
}

/// Go prints an IPv4-mapped network with the IPv4 part of its mask (`::ffff:10.0.0.0/104` is
/// `10.0.0.0/8`); such a network is always at least a /96.
pub(super) fn go_net_string(net: &IpNet) -> String {
    let len = u32::from(net.prefix_len());
    if is_ipv4_mapped(net.network()) {
        return format!("{}/{}", go_ip_string(net.network()), len.saturating_sub(96));
    }
    net.to_string()
}

/// The block of the given length at the top of the prefix's address space.
pub(super) fn last_block(prefix: &IpNet, len: u32) -> String {
    let addr = match prefix {
        IpNet::V4(_) => IpAddr::V4(Ipv4Addr::from(u32::MAX.checked_shl(32 - len).unwrap_or(0))),
        IpNet::V6(_) => IpAddr::V6(Ipv6Addr::from(
            u128::MAX.checked_shl(128 - len).unwrap_or(0),
        )),
    };
    format!("{addr}/{len}")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::value::{Unknown, Value};

    fn prefix_lens(v: &Value) -> Vec<Option<u8>> {
        match v {
            Value::Unknown(u) => vec![u.prefix_len()],
            Value::List(items) => items.iter().flat_map(prefix_lens).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn subnets_of_a_prefix_of_known_length_have_known_lengths() {
        let sixteen = Value::Unknown(Unknown::new("base").with_prefix_len(16));
        let lens = |name: &str, args: Vec<Value>| prefix_lens(&call(name, args));
        assert_eq!(
            lens("cidrsubnet", vec![sixteen.clone(), n(4.0), n(2.0)]),
            [Some(20)]
        );
        assert_eq!(
            lens("cidrsubnet", vec![sixteen.clone(), n(11.0), unknown("n")]),
            [Some(27)]
        );
        assert_eq!(
            lens(
                "cidrsubnets",
                vec![sixteen.clone(), n(8.0), n(11.0), n(4.0)]
            ),
            [Some(24), Some(27), Some(20)]
        );
        // What Terraform rejects, and what the length does not decide, gives no length.
        for args in [
            vec![sixteen.clone(), n(17.0), n(0.0)],
            vec![sixteen.clone(), n(2.0), n(4.0)],
            vec![sixteen.clone(), unknown("bits"), n(0.0)],
            vec![unknown("plain"), n(4.0), n(0.0)],
        ] {
            assert_eq!(lens("cidrsubnet", args), [None]);
        }
        assert_eq!(
            lens("cidrsubnets", vec![sixteen.clone(), n(1.0), n(1.0), n(1.0)]),
            [None]
        );
        assert_eq!(lens("cidrhost", vec![sixteen.clone(), n(5.0)]), [None]);
        // Strings built around an unknown part.
        assert_eq!(
            lens("format", vec![s("%s.0/27"), unknown("base")]),
            [Some(27)]
        );
        assert_eq!(
            lens("format", vec![s("%s/%s"), unknown("a"), s("27")]),
            [Some(27)]
        );
        assert_eq!(
            lens("format", vec![s("%s/%s"), s("10.0.0.0"), unknown("b")]),
            [None]
        );
        assert_eq!(lens("format", vec![s("%d.0/27"), unknown("base")]), [None]);
        assert_eq!(lens("format", vec![s("%q.0/27"), unknown("base")]), [None]);
        assert_eq!(
            lens("formatlist", vec![s("%s"), list(vec![sixteen])]),
            [None]
        );
    }

    // --- network addresses ---------------------------------------------------------------

    #[test]
    fn cidrsubnet_matches_terraform_documentation() {
        let f = |p: &str, bits: f64, num: f64| c("cidrsubnet", vec![s(p), n(bits), n(num)]);
        assert_eq!(f("172.16.0.0/12", 4.0, 2.0), s("172.18.0.0/16"));
        assert_eq!(f("10.1.2.0/24", 4.0, 15.0), s("10.1.2.240/28"));
        assert_eq!(
            f("fd00:fd12:3456:7890::/56", 16.0, 162.0),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            c("cidrsubnet", vec![s("10.0.0.0/16"), s("8"), n(1.0)]),
            s("10.0.1.0/24")
        );
        // Terraform reads octets with leading zeros as decimal.
        assert_eq!(f("010.001.0.0/016", 8.0, 1.0), s("10.1.1.0/24"));
    }

    #[test]
    fn cidrsubnet_overflow_is_an_error() {
        let v = c("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(256.0)]);
        assert!(is_error(&v));
        assert_eq!(
            reason(&v),
            "cidrsubnet: prefix extension of 8 does not accommodate a subnet numbered 256"
        );
        let v = c("cidrsubnet", vec![s("10.0.0.0/30"), n(4.0), n(0.0)]);
        assert_eq!(
            reason(&v),
            "cidrsubnet: insufficient address space to extend prefix of 30 by 4"
        );
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(1e6), n(1.0)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(9.3e18), n(1.0)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(8.0), n(1e300)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(8.0), n(-1.0)]
        )));
        assert!(is_error(&c(
            "cidrsubnet",
            vec![s("10.0.0.0/8"), n(8.5), n(1.0)]
        )));
    }

    #[test]
    fn cidr_functions_reject_bad_prefixes() {
        let v = c("cidrsubnet", vec![s("10.0.0/16"), n(8.0), n(1.0)]);
        assert_eq!(reason(&v), "cidrsubnet: invalid CIDR expression: 10.0.0/16");
        assert!(is_error(&c("cidrhost", vec![s(" 10.0.0.0/16"), n(1.0)])));
        assert!(is_error(&c("cidrnetmask", vec![s("10.0.0.0")])));
        assert!(is_error(&c("cidrsubnets", vec![s("300.0.0.0/8"), n(1.0)])));
    }

    #[test]
    fn cidrsubnet_propagates_unknowns() {
        let u = unknown("`var.vnet_cidr` has no default and no value in a tfvars file");
        assert_eq!(c("cidrsubnet", vec![u.clone(), n(8.0), n(1.0)]), u);
    }

    #[test]
    fn cidrhost_counts_from_both_ends() {
        assert_eq!(
            c("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]),
            s("10.12.112.16")
        );
        assert_eq!(
            c("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]),
            s("10.12.113.12")
        );
        assert_eq!(
            c(
                "cidrhost",
                vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]
            ),
            s("fd00:fd12:3456:7890::22")
        );
        assert_eq!(
            c("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]),
            s("10.0.0.255")
        );
        assert!(is_error(&c("cidrhost", vec![s("10.0.0.0/24"), n(256.0)])));
        assert!(is_error(&c("cidrhost", vec![s("10.0.0.0/24"), n(1e20)])));
    }

    #[test]
    fn cidrnetmask_is_ipv4_only() {
        assert_eq!(c("cidrnetmask", vec![s("172.16.0.0/12")]), s("255.240.0.0"));
        assert_eq!(
            reason(&c("cidrnetmask", vec![s("fd00::/8")])),
            "cidrnetmask: IPv6 addresses cannot have a netmask: fd00::/8"
        );
    }

    #[test]
    fn cidrsubnets_allocates_consecutive_aligned_blocks() {
        assert_eq!(
            c(
                "cidrsubnets",
                vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            c(
                "cidrsubnets",
                vec![
                    s("fd00:fd12:3456:7890::/56"),
                    n(16.0),
                    n(16.0),
                    n(16.0),
                    n(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(c("cidrsubnets", vec![s("10.0.0.0/8")]), strs(&[]));
    }

    #[test]
    fn cidrsubnets_errors_like_terraform() {
        assert_eq!(
            reason(&c(
                "cidrsubnets",
                vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]
            )),
            "cidrsubnets: argument 4: not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"
        );
        assert!(is_error(&c("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)])));
        assert!(is_error(&c("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)])));
        assert!(is_error(&c("cidrsubnets", vec![s("fd00::/8"), n(33.0)])));
        // Terraform cannot allocate from a prefix at the zero address.
        assert_eq!(
            reason(&c("cidrsubnets", vec![s("0.0.0.0/8"), n(8.0)])),
            "cidrsubnets: argument 2: not enough remaining address space for a subnet with a prefix of 16 bits after 255.255.0.0/16"
        );
    }

    #[test]
    fn ipv4_mapped_results_print_like_go() {
        assert_eq!(
            c("cidrsubnet", vec![s("::ffff:10.0.0.0/104"), n(8.0), n(1.0)]),
            s("10.1.0.0/16")
        );
        assert_eq!(
            c("cidrhost", vec![s("::ffff:10.0.0.0/104"), n(5.0)]),
            s("10.0.0.5")
        );
        assert!(is_deferred(&c(
            "cidrnetmask",
            vec![s("::ffff:10.0.0.0/104")]
        )));
    }

    #[test]
    fn cidrsubnets_reaches_the_end_of_the_ipv6_space() {
        assert_eq!(
            c("cidrsubnets", vec![s("ffff::/16"), n(1.0), n(1.0)]),
            strs(&["ffff::/17", "ffff:8000::/17"])
        );
        assert!(is_error(&c(
            "cidrsubnets",
            vec![s("ffff::/16"), n(1.0), n(1.0), n(1.0)]
        )));
    }
}
