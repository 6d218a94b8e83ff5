//! Every function of the ARM template and Bicep references, and what foundry-lint does with
//! it: evaluates it (with an example the tests evaluate through the real dispatch), or leaves it
//! unknown by design, with the reason. A function the reference lists that neither table
//! classifies fails a test, so a new function cannot slip through silently.
//!
//! Where the lists come from (taken 2026-12-04 with the search tool):
//! - ARM: the "ARM template functions" reference (learn.microsoft.com,
//!   `articles/azure-resource-manager/templates/template-functions.md` of MicrosoftDocs/azure-docs,
//!   the copy dated 05/10/2024), by category. That copy predates functions ARM gained since,
//!   which compiled Bicep emits and real templates use: they are listed under `later`, taken
//!   from the Bicep compiler (Azure/bicep at 9beb0fee, 2026-08-21: `ExpressionConverter.cs`
//!   emits `tryGet`, `tryIndexFromEnd` and `indexFromEnd`; the system and `az` namespaces pass
//!   `flatten`, `objectKeys`, `shallowMerge`, `groupBy`, `mapValues`, `distinct`, `like`,
//!   `buildUri`, `parseUri`, `deployer` and `managementGroupResourceId` through to ARM).
//! - Bicep: the functions the Bicep compiler declares (Azure/bicep at 9beb0fee,
//!   `SystemNamespaceType.cs` and `AzNamespaceType.cs`), without those Bicep rejects in favour
//!   of operators and syntax (`add`, `and`, `if`, `createObject`, `parameters`, ...).

/// The two languages whose function libraries are classified here.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Language {
    Arm,
    Bicep,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Arm => "arm",
            Language::Bicep => "bicep",
        }
    }
}

/// What foundry-lint does with a function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    /// Evaluated as the language does; `example` is a call the tests evaluate (in the
    /// language's syntax, with the test template's `st` resource, `name` parameter and
    /// `copied` variable in scope) that must give a value or an error, never an unknown.
    Evaluated { example: &'static str },
    /// Unknown by design: the value does not exist until deployment or lives outside the code.
    Unknowable(&'static str),
}

type Reference = &'static [(&'static str, &'static [&'static str])];

/// The ARM template function reference, by category, as listed (see the module
/// documentation for the source).
pub const ARM_REFERENCE: Reference = &[
    (
        "array",
        &[
            "array",
            "concat",
            "contains",
            "createArray",
            "empty",
            "first",
            "indexOf",
            "intersection",
            "last",
            "lastIndexOf",
            "length",
            "max",
            "min",
            "range",
            "skip",
            "take",
            "union",
        ],
    ),
    ("cidr", &["parseCidr", "cidrSubnet", "cidrHost"]),
    (
        "comparison",
        &[
            "coalesce",
            "equals",
            "greater",
            "greaterOrEquals",
            "less",
            "lessOrEquals",
        ],
    ),
    (
        "date",
        &[
            "dateTimeAdd",
            "dateTimeFromEpoch",
            "dateTimeToEpoch",
            "utcNow",
        ],
    ),
    (
        "deployment",
        &["deployment", "environment", "parameters", "variables"],
    ),
    ("lambda", &["filter", "map", "reduce", "sort", "toObject"]),
    (
        "logical",
        &["and", "bool", "false", "if", "not", "or", "true"],
    ),
    (
        "numeric",
        &[
            "add",
            "copyIndex",
            "div",
            "float",
            "int",
            "min",
            "max",
            "mod",
            "mul",
            "sub",
        ],
    ),
    (
        "object",
        &[
            "contains",
            "createObject",
            "empty",
            "intersection",
            "items",
            "json",
            "length",
            "null",
            "union",
        ],
    ),
    (
        "resource",
        &[
            "extensionResourceId",
            "listAccountSas",
            "listKeys",
            "listSecrets",
            "list*",
            "pickZones",
            "providers",
            "reference",
            "references",
            "resourceId",
            "subscriptionResourceId",
            "tenantResourceId",
        ],
    ),
    (
        "scope",
        &["managementGroup", "resourceGroup", "subscription", "tenant"],
    ),
    (
        "string",
        &[
            "base64",
            "base64ToJson",
            "base64ToString",
            "concat",
            "contains",
            "dataUri",
            "dataUriToString",
            "empty",
            "endsWith",
            "first",
            "format",
            "guid",
            "indexOf",
            "join",
            "json",
            "last",
            "lastIndexOf",
            "length",
            "newGuid",
            "padLeft",
            "replace",
            "skip",
            "split",
            "startsWith",
            "string",
            "substring",
            "take",
            "toLower",
            "toUpper",
            "trim",
            "uniqueString",
            "uri",
            "uriComponent",
            "uriComponentToString",
        ],
    ),
    (
        "later",
        &[
            "tryGet",
            "tryIndexFromEnd",
            "indexFromEnd",
            "flatten",
            "objectKeys",
            "shallowMerge",
            "groupBy",
            "mapValues",
            "distinct",
            "like",
            "buildUri",
            "parseUri",
            "deployer",
            "managementGroupResourceId",
        ],
    ),
];

/// The Bicep function reference (see the module documentation for the source).
pub const BICEP_REFERENCE: Reference = &[
    (
        "sys",
        &[
            "any",
            "array",
            "base64",
            "base64ToJson",
            "base64ToString",
            "bool",
            "buildUri",
            "cidrHost",
            "cidrSubnet",
            "concat",
            "contains",
            "dataUri",
            "dataUriToString",
            "dateTimeAdd",
            "dateTimeFromEpoch",
            "dateTimeToEpoch",
            "distinct",
            "empty",
            "endsWith",
            "externalInput",
            "fail",
            "filter",
            "first",
            "flatten",
            "format",
            "groupBy",
            "guid",
            "indexOf",
            "int",
            "intersection",
            "items",
            "join",
            "json",
            "last",
            "lastIndexOf",
            "length",
            "like",
            "loadDirectoryFileInfo",
            "loadFileAsBase64",
            "loadJsonContent",
            "loadTextContent",
            "loadYamlContent",
            "map",
            "mapValues",
            "max",
            "min",
            "nameof",
            "newGuid",
            "objectKeys",
            "padLeft",
            "parseCidr",
            "parseUri",
            "range",
            "readCliArg",
            "readEnvironmentVariable",
            "reduce",
            "replace",
            "shallowMerge",
            "skip",
            "sort",
            "split",
            "startsWith",
            "string",
            "substring",
            "take",
            "toLower",
            "toObject",
            "toUpper",
            "trim",
            "union",
            "uniqueString",
            "uri",
            "uriComponent",
            "uriComponentToString",
            "utcNow",
        ],
    ),
    (
        "az",
        &[
            "deployer",
            "deployment",
            "environment",
            "extensionResourceId",
            "getSecret",
            "list*",
            "managementGroup",
            "managementGroupResourceId",
            "pickZones",
            "providers",
            "reference",
            "resourceGroup",
            "resourceId",
            "roleDefinitions",
            "subscription",
            "subscriptionResourceId",
            "tenant",
            "tenantResourceId",
            "toLogicalZone",
            "toLogicalZones",
            "toPhysicalZone",
            "toPhysicalZones",
        ],
    ),
];

const fn eval(example: &'static str) -> Status {
    Status::Evaluated { example }
}

const CLOCK: Status = Status::Unknowable("reads the clock at deployment");
const RANDOM: Status = Status::Unknowable("a new random value at each deployment");
const SECRETS: Status =
    Status::Unknowable("reads keys or secrets from the live resource at deployment");
const FILES: Status = Status::Unknowable(
    "lists a directory when Bicep compiles; foundry-lint reads the files the code names, not directory listings",
);
const ZONES: Status =
    Status::Unknowable("maps availability zones per subscription, which only the live cloud knows");
const DEPLOYER: Status =
    Status::Unknowable("the identity that runs the deployment is known only at deployment");
const TENANT: Status = Status::Unknowable("the tenant is known only at deployment");
const MANAGEMENT_GROUP: Status =
    Status::Unknowable("the deployment's management group is known only at deployment");
const PICK_ZONES: Status =
    Status::Unknowable("reads which availability zones a region offers from the live cloud");
const PROVIDERS: Status = Status::Unknowable(
    "reads resource provider registrations from the live cloud (deprecated by ARM)",
);
const URI_PARTS: Status = Status::Unknowable(
    "ARM's reference leaves the result open (whether parseUri gives the scheme's default port when the URI has none, whether buildUri writes it, how an empty path or query is written), ARM's engine is not public, and a guessed shape would make false findings",
);

/// ARM functions: every name of [`ARM_REFERENCE`], and the syntax of lambdas.
pub const ARM: &[(&str, Status)] = &[
    ("array", eval("array('a')")),
    ("concat", eval("concat('a', 'b')")),
    ("contains", eval("contains('abc', 'b')")),
    ("createArray", eval("createArray(1, 2)")),
    ("empty", eval("empty('')")),
    ("first", eval("first('abc')")),
    ("indexOf", eval("indexOf('abc', 'b')")),
    (
        "intersection",
        eval("intersection(createArray(1, 2), createArray(2))"),
    ),
    ("last", eval("last('abc')")),
    ("lastIndexOf", eval("lastIndexOf('abcb', 'b')")),
    ("length", eval("length('abc')")),
    ("max", eval("max(1, 2)")),
    ("min", eval("min(1, 2)")),
    ("range", eval("range(0, 2)")),
    ("skip", eval("skip('abc', 1)")),
    ("take", eval("take('abc', 1)")),
    ("union", eval("union(createArray(1), createArray(2))")),
    ("parseCidr", eval("parseCidr('10.0.0.0/16')")),
    ("cidrSubnet", eval("cidrSubnet('10.0.0.0/16', 24, 1)")),
    ("cidrHost", eval("cidrHost('10.0.0.0/24', 3)")),
    ("coalesce", eval("coalesce(null(), 1)")),
    ("equals", eval("equals(1, 1)")),
    ("greater", eval("greater(2, 1)")),
    ("greaterOrEquals", eval("greaterOrEquals(2, 1)")),
    ("less", eval("less(1, 2)")),
    ("lessOrEquals", eval("lessOrEquals(1, 2)")),
    (
        "dateTimeAdd",
        eval("dateTimeAdd('2023-01-01 00:00:00Z', 'P1Y')"),
    ),
    ("dateTimeFromEpoch", eval("dateTimeFromEpoch(1683040573)")),
    (
        "dateTimeToEpoch",
        eval("dateTimeToEpoch('2023-05-02T15:16:13Z')"),
    ),
    ("utcNow", CLOCK),
    ("deployment", eval("deployment().name")),
    ("environment", eval("environment().suffixes.storage")),
    ("parameters", eval("parameters('name')")),
    ("variables", eval("variables('copied')")),
    (
        "filter",
        eval("filter(createArray(1, 2), lambda('x', equals(lambdaVariables('x'), 1)))"),
    ),
    (
        "map",
        eval("map(createArray(1, 2), lambda('x', add(lambdaVariables('x'), 1)))"),
    ),
    (
        "reduce",
        eval(
            "reduce(createArray(1, 2), 0, lambda('a', 'x', add(lambdaVariables('a'), lambdaVariables('x'))))",
        ),
    ),
    (
        "sort",
        eval(
            "sort(createArray(2, 1), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))",
        ),
    ),
    (
        "toObject",
        eval("toObject(createArray('a'), lambda('x', lambdaVariables('x')))"),
    ),
    ("lambda", eval("map(createArray(1), lambda('x', 1))")),
    (
        "lambdaVariables",
        eval("map(createArray(1), lambda('x', lambdaVariables('x')))"),
    ),
    ("and", eval("and(true(), false())")),
    ("bool", eval("bool('true')")),
    ("false", eval("false()")),
    ("if", eval("if(true(), 1, 2)")),
    ("not", eval("not(true())")),
    ("or", eval("or(false(), true())")),
    ("true", eval("true()")),
    ("add", eval("add(1, 2)")),
    ("copyIndex", eval("variables('copied')")),
    ("div", eval("div(4, 2)")),
    ("float", eval("float(1)")),
    ("int", eval("int('4')")),
    ("mod", eval("mod(5, 2)")),
    ("mul", eval("mul(2, 3)")),
    ("sub", eval("sub(3, 2)")),
    ("createObject", eval("createObject('a', 1)")),
    ("items", eval("items(createObject('a', 1))")),
    ("json", eval("json('{}')")),
    ("null", eval("null()")),
    (
        "extensionResourceId",
        eval("extensionResourceId('/subscriptions/s', 'Microsoft.Authorization/locks', 'l')"),
    ),
    ("listAccountSas", SECRETS),
    ("listKeys", SECRETS),
    ("listSecrets", SECRETS),
    ("list*", SECRETS),
    ("pickZones", PICK_ZONES),
    ("providers", PROVIDERS),
    // Of a resource the template declares; one outside it reads the live cloud.
    ("reference", eval("reference('st').minimumTlsVersion")),
    (
        "references",
        Status::Unknowable("returns the deployed state of every instance of a resource collection"),
    ),
    ("resourceInfo", eval("resourceInfo('st').id")),
    (
        "resourceId",
        eval("resourceId('Microsoft.Storage/storageAccounts', 'st')"),
    ),
    (
        "subscriptionResourceId",
        eval("subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')"),
    ),
    (
        "tenantResourceId",
        eval("tenantResourceId('Microsoft.Management/managementGroups', 'mg')"),
    ),
    (
        "managementGroupResourceId",
        eval("managementGroupResourceId('mg', 'Microsoft.Authorization/policyDefinitions', 'p')"),
    ),
    ("managementGroup", MANAGEMENT_GROUP),
    ("resourceGroup", eval("resourceGroup().name")),
    ("subscription", eval("subscription().subscriptionId")),
    ("tenant", TENANT),
    ("base64", eval("base64('a')")),
    ("base64ToJson", eval("base64ToJson('e30=')")),
    ("base64ToString", eval("base64ToString('YQ==')")),
    ("dataUri", eval("dataUri('a')")),
    (
        "dataUriToString",
        eval("dataUriToString('data:;base64,YQ==')"),
    ),
    ("endsWith", eval("endsWith('abc', 'c')")),
    ("format", eval("format('{0}', 'a')")),
    ("guid", eval("guid('a')")),
    ("join", eval("join(createArray('a', 'b'), ',')")),
    ("newGuid", RANDOM),
    ("padLeft", eval("padLeft('a', 3, '0')")),
    ("replace", eval("replace('abc', 'b', 'x')")),
    ("split", eval("split('a/b', '/')")),
    ("startsWith", eval("startsWith('abc', 'a')")),
    ("string", eval("string(1)")),
    ("substring", eval("substring('abc', 1, 1)")),
    ("toLower", eval("toLower('A')")),
    ("toUpper", eval("toUpper('a')")),
    ("trim", eval("trim(' a ')")),
    ("uniqueString", eval("uniqueString('a')")),
    ("uri", eval("uri('https://example.com/a/', 'b')")),
    ("uriComponent", eval("uriComponent('a b')")),
    (
        "uriComponentToString",
        eval("uriComponentToString('a%20b')"),
    ),
    ("tryGet", eval("tryGet(createObject('a', 1), 'b')")),
    (
        "tryIndexFromEnd",
        eval("tryIndexFromEnd(createArray(1, 2), 3)"),
    ),
    ("indexFromEnd", eval("indexFromEnd(createArray(1, 2), 1)")),
    (
        "flatten",
        eval("flatten(createArray(createArray(1), createArray(2)))"),
    ),
    ("objectKeys", eval("objectKeys(createObject('a', 1))")),
    (
        "shallowMerge",
        eval("shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))"),
    ),
    (
        "groupBy",
        eval(
            "groupBy(createArray('ab', 'ac'), lambda('x', substring(lambdaVariables('x'), 0, 1)))",
        ),
    ),
    (
        "mapValues",
        eval("mapValues(createObject('a', 1), lambda('x', add(lambdaVariables('x'), 1)))"),
    ),
    ("distinct", eval("distinct(createArray(1, 1))")),
    ("like", eval("like('abc', 'a*')")),
    ("buildUri", URI_PARTS),
    ("parseUri", URI_PARTS),
    ("deployer", DEPLOYER),
];

/// Bicep functions whose row differs from ARM's: Bicep's own, and those whose example needs
/// Bicep syntax. Every other name of [`BICEP_REFERENCE`] is ARM's function with ARM's row.
pub const BICEP: &[(&str, Status)] = &[
    ("any", eval("any(1)")),
    (
        "externalInput",
        Status::Unknowable("asks an external tool for the value when the parameters file is built"),
    ),
    (
        "readCliArg",
        Status::Unknowable("reads a command-line argument of the deploying `bicep` run"),
    ),
    (
        "readEnvironmentVariable",
        Status::Unknowable(
            "reads the environment of the machine that builds the parameters (its default, when given, is used)",
        ),
    ),
    ("fail", eval("fail('stop')")),
    ("nameof", eval("nameof(st)")),
    ("loadDirectoryFileInfo", FILES),
    // Read beside the calling file (src/frontend/bicep/load.rs); the examples' relative path
    // names no file read, an absolute one is Bicep's error.
    ("loadFileAsBase64", eval("loadFileAsBase64('/etc/x')")),
    ("loadJsonContent", eval("loadJsonContent('/etc/x.json')")),
    ("loadTextContent", eval("loadTextContent('/etc/x.txt')")),
    (
        "loadYamlContent",
        Status::Unknowable(
            "reads YAML as Bicep's YamlDotNet does (its scalar and merge rules), which foundry-lint does not reproduce",
        ),
    ),
    ("getSecret", SECRETS),
    ("toLogicalZone", ZONES),
    ("toLogicalZones", ZONES),
    ("toPhysicalZone", ZONES),
    ("toPhysicalZones", ZONES),
    (
        "roleDefinitions",
        Status::Unknowable(
            "Bicep resolves a role name to its id from a table of built-in roles foundry-lint does not carry",
        ),
    ),
    (
        "reference",
        Status::Unknowable(
            "reads a resource by id at deployment; Bicep reads declared resources through their symbols (`st.properties`), which foundry-lint evaluates",
        ),
    ),
    ("intersection", eval("intersection([1, 2], [2])")),
    ("union", eval("union([1], [2])")),
    ("coalesce", eval("null ?? 1")),
    ("filter", eval("filter([1, 2], x => x == 1)")),
    ("map", eval("map([1, 2], x => x + 1)")),
    ("reduce", eval("reduce([1, 2], 0, (a, x) => a + x)")),
    ("sort", eval("sort([2, 1], (a, b) => a < b)")),
    ("toObject", eval("toObject(['a'], x => x)")),
    (
        "groupBy",
        eval("groupBy(['ab', 'ac'], x => substring(x, 0, 1))"),
    ),
    ("mapValues", eval("mapValues({ a: 1 }, x => x + 1)")),
    ("items", eval("items({ a: 1 })")),
    ("objectKeys", eval("objectKeys({ a: 1 })")),
    ("shallowMerge", eval("shallowMerge([{ a: 1 }, { b: 2 }])")),
    ("flatten", eval("flatten([[1], [2]])")),
    ("distinct", eval("distinct([1, 1])")),
    ("join", eval("join(['a', 'b'], ',')")),
];

/// The row of `name` in `language`.
pub fn status(language: Language, name: &str) -> Option<Status> {
    let find = |rows: &[(&str, Status)]| {
        rows.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, s)| s)
    };
    match language {
        Language::Arm => find(ARM),
        Language::Bicep => find(BICEP).or_else(|| find(ARM)),
    }
}

/// Every function of both references with its status, for `--list-functions`: language,
/// function, status, reason.
pub fn listing() -> Vec<(Language, &'static str, Option<Status>)> {
    let mut out = Vec::new();
    for (language, reference) in [
        (Language::Arm, ARM_REFERENCE),
        (Language::Bicep, BICEP_REFERENCE),
    ] {
        let mut names: Vec<&str> = reference
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        names.sort_by_key(|n| n.to_ascii_lowercase());
        names.dedup();
        out.extend(
            names
                .into_iter()
                .map(|n| (language, n, status(language, n))),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    /// The template the ARM examples run in.
    const TEMPLATE: &str = r#"{
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "languageVersion": "2.0",
      "parameters": { "name": { "type": "string", "defaultValue": "st" } },
      "variables": {
        "copy": [{ "name": "copied", "count": 2, "input": "[copyIndex('copied')]" }]
      },
      "resources": {
        "st": {
          "type": "Microsoft.Storage/storageAccounts",
          "apiVersion": "2023-01-01",
          "name": "[parameters('name')]",
          "properties": { "minimumTlsVersion": "TLS1_2" }
        }
      }
    }"#;

    /// The Bicep program the Bicep examples run in, `EXAMPLE` replaced by the example.
    const PROGRAM: &str = "param name string = 'st'\n\
        resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: name\n}\n\
        var v = EXAMPLE\n";

    /// Whether an example's value shows the function was evaluated: a value, or an error the
    /// function raised; not an unknown.
    fn evaluated(value: &Value) -> bool {
        match value.first_unknown() {
            None => true,
            Some(u) => u.is_error(),
        }
    }

    fn template() -> crate::json::Spanned {
        crate::json::parse(TEMPLATE, crate::source::FileId(0))
            .ok()
            .flatten()
            .expect("the test template parses")
    }

    fn names(reference: Reference) -> impl Iterator<Item = &'static str> {
        reference
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
    }

    #[test]
    fn every_function_of_the_references_is_classified() {
        for (language, reference) in [
            (Language::Arm, ARM_REFERENCE),
            (Language::Bicep, BICEP_REFERENCE),
        ] {
            let missing: Vec<&str> = names(reference)
                .filter(|n| status(language, n).is_none())
                .collect();
            assert!(
                missing.is_empty(),
                "{} functions in neither class: {missing:?}",
                language.name()
            );
        }
    }

    #[test]
    fn every_evaluated_arm_function_evaluates_through_the_template_evaluator() {
        let json = template();
        for (name, row) in ARM {
            if let Status::Evaluated { example } = row {
                let value = super::super::template::eval_declared(&json, &format!("[{example}]"));
                assert!(evaluated(&value), "arm {name}: `{example}` gave {value:?}");
            }
        }
    }

    #[test]
    fn every_evaluated_bicep_function_evaluates_through_the_bicep_evaluator() {
        use crate::frontend::bicep::{self, program};
        for name in names(BICEP_REFERENCE) {
            let Some(Status::Evaluated { example }) = status(Language::Bicep, name) else {
                continue;
            };
            let text = PROGRAM.replace("EXAMPLE", example);
            let (ast, errors) = bicep::parse(&text);
            assert!(
                errors.is_empty(),
                "bicep {name}: `{example}` does not parse: {errors:?}"
            );
            let path = std::path::PathBuf::from("/t/main.bicep");
            let files = program::Files {
                by_path: std::collections::HashMap::from([(
                    path.clone(),
                    (crate::source::FileId(0), ast),
                )]),
                ..Default::default()
            };
            let p = program::Program::new(&files, &path, Default::default()).unwrap();
            let value = p.variable("v");
            assert!(
                evaluated(&value),
                "bicep {name}: `{example}` gave {value:?}"
            );
        }
    }

    #[test]
    fn unknowable_functions_stay_unknown() {
        let json = template();
        for example in [
            "utcNow()",
            "newGuid()",
            "listKeys('x', '2023-01-01')",
            "tenant().tenantId",
        ] {
            let value = super::super::template::eval_declared(&json, &format!("[{example}]"));
            assert!(
                value.first_unknown().is_some_and(|u| !u.is_error()),
                "{example}: {value:?}"
            );
        }
    }
}
