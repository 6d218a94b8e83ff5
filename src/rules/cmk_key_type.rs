//! FL606: the customer-managed key is not RSA/RSA-HSM of at least 2048 bits.

use crate::domain::{CMK_KEY_TYPES, CMK_MINIMUM_KEY_SIZE};
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL606",
    "cmk-key-type",
    Warning,
    "The customer-managed key is not an RSA or RSA-HSM key of at least 2048 bits",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let mut reported = Vec::new();
    for (a, account) in model.accounts.iter().enumerate() {
        let Some(k) = model.cmk_key(a) else { continue };
        if reported.contains(&k) {
            continue;
        }
        reported.push(k);
        let key = &model.keys[k];
        if let Some(kty) = &key.key_type
            && let Some(t) = kty.get()
            && !CMK_KEY_TYPES
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(t))
        {
            out.report(
                kty.span,
                format!(
                    "key `{}`, the customer-managed key of `{}`, is of type {t}",
                    key.origin.address, account.origin.address
                ),
            )
            .help(format!(
                "customer-managed keys must be {} keys of at least {CMK_MINIMUM_KEY_SIZE} bits",
                CMK_KEY_TYPES.join(" or ")
            ))
            .origin(&key.origin);
            continue;
        }
        if let Some(size) = &key.key_size
            && let Some(bits) = size.get()
            && *bits < CMK_MINIMUM_KEY_SIZE as f64
        {
            out.report(
                size.span,
                format!(
                    "key `{}`, the customer-managed key of `{}`, has {bits} bits",
                    key.origin.address, account.origin.address
                ),
            )
            .help(format!(
                "use an RSA key of at least {CMK_MINIMUM_KEY_SIZE} bits"
            ))
            .origin(&key.origin);
        }
    }
}
