//! FL005: a registry or git module that no local cache holds. Nothing it declares is checked, so
//! the run says so, once per module source, with the command that restores it.

use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL005",
    "module-not-restored",
    Note,
    "A registry or git module is not restored on this machine, so nothing it declares is checked",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let mut reported: Vec<(&str, usize)> = Vec::new();
    for call in &model.opaque_calls {
        let Some(missing) = &call.not_restored else {
            continue;
        };
        // One finding per source; further calls of it are related locations of the first.
        if let Some(&(_, first)) = reported.iter().find(|(s, _)| *s == missing.source) {
            out.finding_mut(first)
                .related(call.origin.span, format!("`{}` too", call.origin.address));
            continue;
        }
        reported.push((&missing.source, out.len()));
        out.report(
            call.origin.span,
            format!(
                "`{}` comes from `{}`, which is not restored here: nothing it declares is checked",
                call.origin.address, missing.source
            ),
        )
        .help(format!("{}, then lint again", missing.restore))
        .origin(&call.origin);
    }
}
