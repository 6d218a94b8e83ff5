#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository: every fixture stack (packed into one input in
# the targets' format: the main file's text, then NUL, path, NUL, text for each other file),
# every fixture file on its own, the code blocks of rules/*.md and README.md, the ARM expressions
# the fixtures contain, and a few configuration files. Seeds are files named `seed-*`; running
# the script again rewrites them and leaves what the fuzzer added alone.
#
# Usage: bash fuzz/seed.sh        (needs bash, find, grep, awk, sort)
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
corpus="$fuzz/corpus"
targets=(terraform terraform_functions arm arm_expression bicep bicepparam config)
for t in "${targets[@]}"; do
    mkdir -p "$corpus/$t"
    find "$corpus/$t" -maxdepth 1 -name 'seed-*' -delete
done

# A file name for a seed: its origin with / replaced.
seed_name() { printf 'seed-%s' "${1//\//_}"; }

# pack OUT DIR MAIN REGEX: the files of DIR whose relative path matches REGEX, packed into one
# input; MAIN (if present) is the first field, the others follow as NUL path NUL text.
pack() {
    local out=$1 dir=$2 main=$3 regex=$4 rel
    {
        if [[ -f $dir/$main ]]; then cat "$dir/$main"; fi
        while IFS= read -r rel; do
            [[ $rel == "$main" ]] && continue
            printf '\0%s\0' "$rel"
            cat "$dir/$rel"
        done < <(cd "$dir" && find . -type f ! -path './.terraform/*' | sed 's|^\./||' | grep -E "$regex" | sort)
    } > "$out"
}

tf_regex='\.(tf|tfvars)(\.json)?$'
for dir in "$repo"/fixtures/terraform/*/; do
    name=$(basename "$dir")
    pack "$corpus/terraform/$(seed_name "fixture-$name")" "$dir" main.tf "$tf_regex"
    pack "$corpus/arm/$(seed_name "fixture-terraform-$name")" "$dir" azuredeploy.json '\.json$'
done
for dir in "$repo"/fixtures/arm/*/; do
    pack "$corpus/arm/$(seed_name "fixture-$(basename "$dir")")" "$dir" azuredeploy.json '\.json$'
done
for dir in "$repo"/fixtures/bicep/*/; do
    pack "$corpus/bicep/$(seed_name "fixture-$(basename "$dir")")" "$dir" main.bicep '\.bicep(param)?$'
done

# Every fixture file on its own, as the target's main file.
while IFS= read -r file; do
    rel=${file#"$repo"/fixtures/}
    case $file in
        *.tf | *.tfvars | *.tf.json | *.tfvars.json) target=terraform ;;
        *.json) target=arm ;;
        *.bicep) target=bicep ;;
        *.bicepparam) target=bicepparam ;;
        *.toml) target=config ;;
        *) continue ;;
    esac
    cp "$file" "$corpus/$target/$(seed_name "file-$rel")"
    if [[ $target == bicepparam ]]; then
        cp "$file" "$corpus/bicep/$(seed_name "file-$rel")"
    fi
done < <(find "$repo/fixtures" -type f | sort)

# Code blocks of the rule documents and the README: hcl, json, bicep and toml.
for doc in "$repo"/rules/*.md "$repo"/README.md; do
    base=$(basename "$doc" .md)
    awk -v dir="$corpus" -v base="$base" '
        /^```(hcl|json|bicep|toml)[[:space:]]*$/ {
            lang = substr($0, 4); sub(/[[:space:]]*$/, "", lang)
            target = (lang == "hcl") ? "terraform" : (lang == "json") ? "arm" : (lang == "bicep") ? "bicep" : "config"
            n++; out = dir "/" target "/seed-doc-" base "-" n "." lang; next
        }
        /^```/ { if (out != "") close(out); out = ""; next }
        out != "" { print > out }
    ' "$doc"
done

# The ARM expressions of the fixtures and documents (JSON strings that start with `[`), one per
# seed, deduplicated.
{
    find "$repo/fixtures" -name '*.json' -print0 | xargs -0 cat
    cat "$repo"/rules/*.md
} | grep -o '"\[[^"]*\]"' | sed 's/^"//; s/"$//' | sort -u | awk -v dir="$corpus/arm_expression" '
    { n++; out = dir "/seed-expr-" n; print > out; close(out) }'

# Configuration files: every key, and values at and past their bounds.
cat > "$corpus/config/seed-all-keys.toml" <<'EOF'
select = ["FL2", "agent-subnet-below-minimum", "ALL"]
ignore = ["FL203"]
fail-on = "note"
exclude = ["**/examples/**", "legacy/*.tf"]

[rules]
FL202 = "error"
FL104 = "off"
FL501 = "note"

[agent-subnet]
minimum-prefix = 29
replicas-per-project = 4294967295
pods-per-ip = 1
maximum-utilization = 100

[[networks]]
id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub"
address-space = ["10.0.0.0/16", "fd00::/48"]
location = "swedencentral"

[dns]
central-zones = ["privatelink.cognitiveservices.azure.com.", "PrivateLink.Vaultcore.Azure.Net"]
assume-central = true
EOF
cat > "$corpus/config/seed-small-thresholds.toml" <<'EOF'
[agent-subnet]
minimum-prefix = 8
replicas-per-project = 1
pods-per-ip = 4294967295
maximum-utilization = 1
EOF

for t in "${targets[@]}"; do
    printf '%-20s %4d seeds\n' "$t" "$(find "$corpus/$t" -maxdepth 1 -name 'seed-*' | wc -l)"
done
