//! FL404: an IPv4 subnet smaller than /29, which Azure refuses.

use crate::domain::AZURE_MINIMUM_SUBNET_PREFIX;
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL404",
    "subnet-below-azure-minimum",
    Error,
    "An IPv4 subnet is smaller than /29, the smallest Azure accepts",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for subnet in &model.subnets {
        for prefix in &subnet.address_prefixes {
            let (Some(len), Some(p)) = (prefix.ipv4_prefix_len(), prefix.ipv4_text()) else {
                continue;
            };
            if len <= AZURE_MINIMUM_SUBNET_PREFIX {
                continue;
            }
            out.report(
                prefix.span,
                format!("subnet `{}` is {p}; Azure's smallest IPv4 subnet is /{AZURE_MINIMUM_SUBNET_PREFIX}", subnet.origin.address),
            )
            .help("Azure reserves 5 addresses in every subnet, so /29 (3 usable) is the smallest it accepts")
            .origin(&subnet.origin);
        }
    }
}
