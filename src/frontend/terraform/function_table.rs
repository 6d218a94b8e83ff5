//! Every built-in function of Terraform's function reference, and what foundry-lint does with
//! it. The list is that of Terraform v1.15 (the latest stable line; 122 functions): the function
//! descriptions table behind the documentation (`internal/lang/funcs/descriptions.go` of
//! hashicorp/terraform, read on 2026-12-04 at commit 883c722 of the main branch, identical in
//! v1.15.0 and v1.15.9), checked against the function pages of the Terraform language
//! documentation (developer.hashicorp.com/terraform/language/functions). Provider-defined
//! functions (`provider::NAME::f`, including `provider::terraform::encode_tfvars` and friends)
//! are not built-ins: they evaluate to unknown, naming the provider.
//!
//! A test checks this table against the reference list and that every implemented function
//! really is evaluated, so a function added to Terraform cannot slip through unclassified.

/// What foundry-lint does with one Terraform function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionStatus {
    /// Evaluated as Terraform evaluates it (an error where Terraform reports one).
    Implemented,
    /// Its result cannot be known before Terraform runs, by design: it reads files, the clock,
    /// randomness, secrets or the machine Terraform runs on. The call evaluates to unknown with
    /// this reason.
    Unknowable(&'static str),
    /// Its result could be known statically, but foundry-lint does not compute it, for this
    /// reason. The call evaluates to unknown.
    NotEvaluated(&'static str),
}

impl FunctionStatus {
    /// The status as `--list-functions` prints it: `evaluated`, or `unknown` with a reason.
    pub fn label(self) -> &'static str {
        match self {
            Implemented => "evaluated",
            Unknowable(_) | NotEvaluated(_) => "unknown",
        }
    }

    /// Why a call is unknown (empty for an evaluated function), as a sentence about `name`.
    pub fn reason(self, name: &str) -> String {
        match self {
            Implemented => String::new(),
            Unknowable(why) => format!("`{name}()` {why}"),
            NotEvaluated(why) => format!("`{name}()` is not evaluated: {why}"),
        }
    }
}

use FunctionStatus::{Implemented, NotEvaluated, Unknowable};

const READS_FILE: FunctionStatus = Unknowable("reads a file, which foundry-lint does not do");
const READS_FILES: FunctionStatus = Unknowable("reads files, which foundry-lint does not do");

/// Terraform's built-in functions, by name, in the reference's alphabetical order.
pub const FUNCTIONS: &[(&str, FunctionStatus)] = &[
    ("abs", Implemented),
    (
        "abspath",
        Unknowable("depends on the directory Terraform runs in"),
    ),
    ("alltrue", Implemented),
    ("anytrue", Implemented),
    ("base64decode", Implemented),
    ("base64encode", Implemented),
    (
        "base64gzip",
        NotEvaluated(
            "Terraform's bytes are those of Go's compress/gzip at the default level, whose deflate (Go's own match search and Huffman block choices, not zlib's) foundry-lint would have to port to give the same output",
        ),
    ),
    ("base64sha256", Implemented),
    ("base64sha512", Implemented),
    ("basename", Implemented),
    ("bcrypt", Unknowable("is known only at apply time")),
    ("can", Implemented),
    ("ceil", Implemented),
    ("chomp", Implemented),
    ("chunklist", Implemented),
    ("cidrhost", Implemented),
    ("cidrnetmask", Implemented),
    ("cidrsubnet", Implemented),
    ("cidrsubnets", Implemented),
    ("coalesce", Implemented),
    ("coalescelist", Implemented),
    ("compact", Implemented),
    ("concat", Implemented),
    ("contains", Implemented),
    ("convert", Implemented),
    ("csvdecode", Implemented),
    ("dirname", Implemented),
    ("distinct", Implemented),
    ("element", Implemented),
    ("endswith", Implemented),
    ("ephemeralasnull", Implemented),
    ("file", READS_FILE),
    ("filebase64", READS_FILE),
    ("filebase64sha256", READS_FILE),
    ("filebase64sha512", READS_FILE),
    ("fileexists", READS_FILE),
    ("filemd5", READS_FILE),
    ("fileset", READS_FILES),
    ("filesha1", READS_FILE),
    ("filesha256", READS_FILE),
    ("filesha512", READS_FILE),
    ("flatten", Implemented),
    ("floor", Implemented),
    ("format", Implemented),
    ("formatdate", Implemented),
    ("formatlist", Implemented),
    ("indent", Implemented),
    ("index", Implemented),
    ("issensitive", Implemented),
    ("join", Implemented),
    ("jsondecode", Implemented),
    ("jsonencode", Implemented),
    ("keys", Implemented),
    ("length", Implemented),
    // Removed in Terraform 0.12: calling it is the error Terraform reports.
    ("list", Implemented),
    ("log", Implemented),
    ("lookup", Implemented),
    ("lower", Implemented),
    // Removed in Terraform 0.12, like `list`.
    ("map", Implemented),
    ("matchkeys", Implemented),
    ("max", Implemented),
    ("md5", Implemented),
    ("merge", Implemented),
    ("min", Implemented),
    ("nonsensitive", Implemented),
    ("one", Implemented),
    ("parseint", Implemented),
    (
        "pathexpand",
        Unknowable("depends on the home directory of the machine Terraform runs on"),
    ),
    ("plantimestamp", Unknowable("is known only at plan time")),
    ("pow", Implemented),
    ("range", Implemented),
    ("regex", Implemented),
    ("regexall", Implemented),
    ("replace", Implemented),
    ("reverse", Implemented),
    (
        "rsadecrypt",
        Unknowable("decrypts with a private key, a secret foundry-lint does not handle"),
    ),
    ("sensitive", Implemented),
    ("setintersection", Implemented),
    ("setproduct", Implemented),
    ("setsubtract", Implemented),
    ("setunion", Implemented),
    ("sha1", Implemented),
    ("sha256", Implemented),
    ("sha512", Implemented),
    ("signum", Implemented),
    ("slice", Implemented),
    ("sort", Implemented),
    ("split", Implemented),
    ("startswith", Implemented),
    ("strcontains", Implemented),
    ("strrev", Implemented),
    ("substr", Implemented),
    ("sum", Implemented),
    ("templatefile", READS_FILE),
    ("templatestring", Implemented),
    ("textdecodebase64", Implemented),
    ("textencodebase64", Implemented),
    ("timeadd", Implemented),
    ("timecmp", Implemented),
    ("timestamp", Unknowable("is known only at apply time")),
    ("title", Implemented),
    ("tobool", Implemented),
    ("tolist", Implemented),
    ("tomap", Implemented),
    ("tonumber", Implemented),
    ("toset", Implemented),
    ("tostring", Implemented),
    ("transpose", Implemented),
    ("trim", Implemented),
    ("trimprefix", Implemented),
    ("trimspace", Implemented),
    ("trimsuffix", Implemented),
    ("try", Implemented),
    // Only `terraform console` has it: in configuration the call is an error.
    ("type", Implemented),
    ("upper", Implemented),
    ("urlencode", Implemented),
    ("uuid", Unknowable("is known only at apply time")),
    ("uuidv5", Implemented),
    ("values", Implemented),
    ("yamldecode", Implemented),
    ("yamlencode", Implemented),
    ("zipmap", Implemented),
];

/// The status of a built-in function, `None` for a name Terraform does not define.
pub fn status(name: &str) -> Option<FunctionStatus> {
    FUNCTIONS
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|i| FUNCTIONS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::terraform::eval::Evaluator;
    use crate::value::Value;

    /// The function names of the reference (see the module comment for where they come from).
    const REFERENCE: &str = "abs abspath alltrue anytrue base64decode base64encode base64gzip \
        base64sha256 base64sha512 basename bcrypt can ceil chomp chunklist cidrhost cidrnetmask \
        cidrsubnet cidrsubnets coalesce coalescelist compact concat contains convert csvdecode \
        dirname distinct element endswith ephemeralasnull file filebase64 filebase64sha256 \
        filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 filesha512 flatten floor \
        format formatdate formatlist indent index issensitive join jsondecode jsonencode keys \
        length list log lookup lower map matchkeys max md5 merge min nonsensitive one parseint \
        pathexpand plantimestamp pow range regex regexall replace reverse rsadecrypt sensitive \
        setintersection setproduct setsubtract setunion sha1 sha256 sha512 signum slice sort \
        split startswith strcontains strrev substr sum templatefile templatestring \
        textdecodebase64 textencodebase64 timeadd timecmp timestamp title tobool tolist tomap \
        tonumber toset tostring transpose trim trimprefix trimspace trimsuffix try type upper \
        urlencode uuid uuidv5 values yamldecode yamlencode zipmap";

    #[test]
    fn every_function_of_the_reference_is_classified_once() {
        let reference: Vec<&str> = REFERENCE.split_whitespace().collect();
        assert_eq!(reference.len(), 122);
        for name in &reference {
            assert!(status(name).is_some(), "`{name}` is not in FUNCTIONS");
        }
        let names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            names, sorted,
            "FUNCTIONS must be sorted and without duplicates"
        );
        for name in names {
            assert!(
                reference.contains(&name),
                "`{name}` is not in the reference"
            );
        }
        // As `--list-functions` prints them: evaluated, or unknown with a reason.
        for (name, status) in FUNCTIONS {
            let evaluated = *status == Implemented;
            assert_eq!(status.label() == "evaluated", evaluated, "{name}");
            assert_eq!(status.reason(name).is_empty(), evaluated, "{name}");
        }
    }

    /// A call with `n` string arguments, evaluated as in a configuration.
    fn call_with(name: &str, n: usize) -> Value {
        let args = vec!["\"x\""; n].join(", ");
        Evaluator::eval_constant(&hcl_edit::parser::parse_expr(&format!("{name}({args})")).unwrap())
    }

    #[test]
    fn implemented_functions_are_evaluated_and_the_others_say_why() {
        for (name, status) in FUNCTIONS {
            let reasons: Vec<String> = (0..=3)
                .filter_map(|n| {
                    call_with(name, n)
                        .first_unknown()
                        .map(|u| u.reason().to_string())
                })
                .collect();
            match status {
                // Evaluated: whatever it answers (a value, "wrong number of arguments"), it is
                // never the answer for a function foundry-lint does not evaluate.
                Implemented => assert!(
                    !reasons.iter().any(|r| r.contains("is not evaluated")),
                    "`{name}` is marked implemented but not evaluated: {reasons:?}"
                ),
                // With the right number of arguments, the call gives the table's reason.
                Unknowable(why) | NotEvaluated(why) => assert!(
                    reasons.iter().any(|r| r.contains(why)),
                    "`{name}` does not give its reason: {reasons:?}"
                ),
            }
        }
    }
}
