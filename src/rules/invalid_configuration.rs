//! FL004: a configuration the deployment tool rejects (a reference cycle, a module that calls
//! itself), found by the front ends while evaluating and kept in the model.

use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL004",
    "invalid-configuration",
    Error,
    "Values that refer to each other in a cycle, or a module that calls itself: the configuration cannot be deployed",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for problem in &model.invalid_configurations {
        let finding = out
            .report(problem.span, problem.message.clone())
            .help("break the cycle: compute one of the values from inputs outside it, or call another module; what depends on it is not checked until then");
        for (span, message) in &problem.related {
            finding.related(*span, message.clone());
        }
    }
}
