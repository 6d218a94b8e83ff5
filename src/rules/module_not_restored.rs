//! FL005: a registry or git module that no local cache holds. Nothing it declares is checked, so
//! the run says so, once per module source, with the command that restores it.

use crate::engine::Reporter;
use crate::model::{Model, NotRestored, OpaqueCall};
use crate::settings::Settings;

rule!(
    "FL005",
    "module-not-restored",
    Note,
    "A registry or git module is not restored on this machine, so nothing it declares is checked",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    // The calls of each source, in the order the sources first appear.
    let mut by_source: Vec<(&NotRestored, Vec<&OpaqueCall>)> = Vec::new();
    for call in &model.opaque_calls {
        let Some(missing) = &call.not_restored else {
            continue;
        };
        match by_source
            .iter_mut()
            .find(|(m, _)| m.source == missing.source)
        {
            Some((_, calls)) => calls.push(call),
            None => by_source.push((missing, vec![call])),
        }
    }
    for (missing, calls) in by_source {
        let Some((first, others)) = calls.split_first() else {
            continue;
        };
        let finding = out
            .report(
                first.origin.span,
                format!(
                    "`{}` comes from `{}`, which is not restored here: nothing it declares is checked",
                    first.origin.address, missing.source
                ),
            )
            .help(format!("{}, then lint again", missing.restore))
            .origin(&first.origin);
        for call in others {
            finding.related(call.origin.span, format!("`{}` too", call.origin.address));
        }
    }
}
