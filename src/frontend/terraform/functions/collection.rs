//! Collections: lists, maps and sets.

use super::*;

pub(super) fn length(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match known(arg(a, 0))? {
        Value::String(s) => graphemes(s)
            .map(|g| count(g.len()))
            .ok_or_else(|| unsegmented(f)),
        Value::List(l) => Ok(count(l.len())),
        Value::Object(o) => Ok(count(o.len())),
        Value::Null => Err(bad_arg(f, 0, "must not be null")),
        other => Err(fail(
            f,
            format!(
                "argument must be a string, a collection type, or a structural type, not a {}",
                other.type_name()
            ),
        )),
    }
}

pub(super) fn element(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let index = int_arg(f, a, 1)?;
    if list.is_empty() {
        return Err(fail(f, "cannot use element function with an empty list"));
    }
    // The list repeats forever in both directions (negative indices count from the end since
    // Terraform 1.10).
    let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let i = usize::try_from(index.rem_euclid(len)).unwrap_or(0);
    Ok(list.get(i).cloned().unwrap_or(Value::Null))
}

pub(super) fn index(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let wanted = known(arg(a, 1))?;
    if list.is_empty() {
        return Err(fail(f, "cannot search an empty list"));
    }
    for (i, v) in list.iter().enumerate() {
        match equals(v, wanted) {
            Ok(true) => return Ok(count(i)),
            Ok(false) => {}
            // An earlier unknown element might be the match.
            Err(u) => return Err(Value::Unknown(u)),
        }
    }
    Err(fail(f, "item not found"))
}

pub(super) fn contains(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let wanted = known(arg(a, 1))?;
    let mut pending = None;
    for v in list {
        match equals(v, wanted) {
            Ok(true) => return Ok(Value::Bool(true)),
            Ok(false) => {}
            Err(u) => {
                pending.get_or_insert(u);
            }
        }
    }
    pending.map_or(Ok(Value::Bool(false)), |u| Err(Value::Unknown(u)))
}

pub(super) fn lookup(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 3)?;
    let map = known(arg(a, 0))?;
    let key = str_arg(f, a, 1)?;
    let Value::Object(map) = map else {
        return Err(fail(f, "lookup() requires a map as the first argument"));
    };
    match (map.get(key.as_ref()), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(fail(f, format!("lookup failed to find key {key:?}"))),
    }
}

pub(super) fn keys(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let map = obj_arg(f, a, 0)?;
    Ok(strings(map.keys().cloned()))
}

pub(super) fn values(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let map = obj_arg(f, a, 0)?;
    Ok(Value::List(map.values().cloned().collect()))
}

pub(super) fn merge(f: &str, a: &[Value]) -> Res {
    let mut out = BTreeMap::new();
    for (i, v) in a.iter().enumerate() {
        match known(v)? {
            Value::Null => {}
            // Later arguments win.
            Value::Object(map) => out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => {
                return Err(bad_arg(
                    f,
                    i,
                    format!(
                        "arguments must be maps or objects, not a {}",
                        other.type_name()
                    ),
                ));
            }
        }
    }
    Ok(Value::Object(out))
}

pub(super) fn concat(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    let mut out = Vec::new();
    for i in 0..a.len() {
        out.extend_from_slice(list_arg(f, a, i)?);
    }
    Ok(Value::List(out))
}

pub(super) fn flatten(f: &str, a: &[Value]) -> Res {
    fn walk(f: &str, items: &[Value], out: &mut Vec<Value>, depth: usize) -> Result<(), Value> {
        if depth > MAX_DEPTH {
            return Err(fail(
                f,
                format!("lists are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        for v in items {
            match v {
                Value::List(inner) => walk(f, inner, out, depth + 1)?,
                // It might be a list that would have to be flattened too.
                Value::Unknown(_) => return Err(v.clone()),
                other => out.push(other.clone()),
            }
        }
        Ok(())
    }
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    let mut out = Vec::new();
    walk(f, list, &mut out, 1)?;
    Ok(Value::List(out))
}

pub(super) fn distinct(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let list = unify(list).map_err(|m| bad_arg(f, 0, m))?;
    // Sorting indices keeps this O(n log n) while preserving first occurrences in order.
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by(|&i, &j| set_order(&list[i], &list[j]).then(i.cmp(&j)));
    let mut keep = vec![false; list.len()];
    for (k, &i) in order.iter().enumerate() {
        keep[i] = k == 0 || set_order(&list[order[k - 1]], &list[i]).is_ne();
    }
    Ok(Value::List(
        list.iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(v, _)| v.clone())
            .collect(),
    ))
}

pub(super) fn sort(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let mut items = list
        .iter()
        .enumerate()
        .map(|(j, v)| elem_str(f, 0, j, v).map(Cow::into_owned))
        .collect::<Result<Vec<_>, _>>()?;
    items.sort();
    Ok(strings(items))
}

pub(super) fn reverse(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    Ok(Value::List(list.iter().rev().cloned().collect()))
}

pub(super) fn slice(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let list = list_arg(f, a, 0)?;
    let start = int_arg(f, a, 1)?;
    let end = int_arg(f, a, 2)?;
    let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let problem = if start < 0 {
        Some((1, "start index must not be less than zero"))
    } else if start > len {
        Some((
            1,
            "start index must not be greater than the length of the list",
        ))
    } else if end < 0 {
        Some((2, "end index must not be less than zero"))
    } else if end > len {
        Some((
            2,
            "end index must not be greater than the length of the list",
        ))
    } else if start > end {
        Some((1, "start index must not be greater than end index"))
    } else {
        None
    };
    if let Some((i, msg)) = problem {
        return Err(bad_arg(f, i, msg));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(Value::List(
        list.get(start..end).unwrap_or_default().to_vec(),
    ))
}

pub(super) fn chunklist(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let list = list_arg(f, a, 0)?;
    let size = int_arg(f, a, 1)?;
    if size < 0 {
        return Err(bad_arg(f, 1, "the size argument must be positive"));
    }
    if list.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    // Size 0 means "one chunk".
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size == 0 {
        return Ok(Value::List(vec![Value::List(list.to_vec())]));
    }
    Ok(Value::List(
        list.chunks(size).map(|c| Value::List(c.to_vec())).collect(),
    ))
}

pub(super) fn compact(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let mut out = Vec::new();
    for (j, v) in list.iter().enumerate() {
        if v == &Value::Null {
            continue;
        }
        let s = elem_str(f, 0, j, v)?;
        if !s.is_empty() {
            out.push(s.into_owned());
        }
    }
    Ok(strings(out))
}

pub(super) fn coalesce(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    // The result has the type all arguments unify to, so a number may come back as a string.
    let known: Vec<Value> = a.iter().filter(|v| !v.is_unknown()).cloned().collect();
    unify(&known).map_err(|_| fail(f, "all arguments must have the same type"))?;
    let as_string = known.iter().any(|v| matches!(v, Value::String(_)));
    for v in a {
        match v {
            Value::Unknown(_) => return Err(v.clone()),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Number(_) | Value::Bool(_) if as_string => {
                return Ok(Value::String(v.to_display_string().unwrap_or_default()));
            }
            other => return Ok(other.clone()),
        }
    }
    Err(fail(f, "no non-null, non-empty-string arguments"))
}

pub(super) fn coalescelist(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, usize::MAX)?;
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::Unknown(_) => return Err(v.clone()),
            Value::Null => {}
            Value::List(l) if l.is_empty() => {}
            Value::List(_) => return Ok(v.clone()),
            other => {
                return Err(bad_arg(
                    f,
                    i,
                    format!(
                        "coalescelist arguments must be lists or tuples, not a {}",
                        other.type_name()
                    ),
                ));
            }
        }
    }
    Err(fail(f, "no non-null arguments"))
}

pub(super) fn alltrue(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = bool_list(f, a)?;
    for v in list {
        match v {
            Err(u) => return Err(u),
            Ok(None | Some(false)) => return Ok(Value::Bool(false)),
            Ok(Some(true)) => {}
        }
    }
    Ok(Value::Bool(true))
}

pub(super) fn anytrue(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let mut pending = None;
    for v in bool_list(f, a)? {
        match v {
            Err(u) => {
                pending.get_or_insert(u);
            }
            Ok(Some(true)) => return Ok(Value::Bool(true)),
            Ok(_) => {}
        }
    }
    pending.map_or(Ok(Value::Bool(false)), Err)
}

/// The elements of a `list(bool)` argument: `Ok(None)` for null, `Err` for unknown. Terraform
/// converts the whole list before looking at it, so a bad element fails the call up front.
pub(super) fn bool_list(f: &str, a: &[Value]) -> Result<Vec<Result<Option<bool>, Value>>, Value> {
    let list = list_arg(f, a, 0)?;
    list.iter()
        .enumerate()
        .map(|(j, v)| match v {
            Value::Unknown(_) => Ok(Err(v.clone())),
            Value::Null => Ok(Ok(None)),
            v => conv_bool(v)
                .map(|b| Ok(Some(b)))
                .map_err(|m| fail(f, format!("argument 1, element {j}: {m}"))),
        })
        .collect()
}

pub(super) fn zipmap(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let keys = list_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let values = list_arg(f, a, 1)?;
    if keys.len() != values.len() {
        return Err(fail(
            f,
            format!(
                "number of keys ({}) does not match number of values ({})",
                keys.len(),
                values.len()
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (j, (k, v)) in keys.iter().zip(values).enumerate() {
        if k == &Value::Null {
            return Err(fail(f, format!("keys list has null value at index {j}")));
        }
        out.insert(elem_str(f, 0, j, k)?.into_owned(), v.clone());
    }
    Ok(Value::Object(out))
}

pub(super) fn transpose(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let map = obj_arg(f, a, 0)?;
    wholly_known(arg(a, 0))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, list) in map {
        let list = match list {
            Value::List(l) => l,
            Value::Null => return Err(fail(f, "input must not contain null list")),
            _ => return Err(fail(f, "input must be a map of lists of strings")),
        };
        for v in list {
            if v == &Value::Null {
                return Err(fail(f, "input list must not contain null string"));
            }
            let s = conv_str(v).map_err(|_| fail(f, "input must be a map of lists of strings"))?;
            out.entry(s.into_owned()).or_default().push(key.clone());
        }
    }
    Ok(Value::Object(
        out.into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, strings(v))
            })
            .collect(),
    ))
}

pub(super) fn matchkeys(f: &str, a: &[Value]) -> Res {
    arity(f, a, 3, 3)?;
    let values = list_arg(f, a, 0)?;
    let keys = list_arg(f, a, 1)?;
    let search = list_arg(f, a, 2)?;
    if values.len() != keys.len() {
        return Err(fail(f, "length of keys and values should be equal"));
    }
    if search.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    wholly_known(arg(a, 0))?;
    wholly_known(arg(a, 1))?;
    // Keys and search set are compared after conversion to a common element type.
    let both: Vec<Value> = keys.iter().chain(search).cloned().collect();
    let both = unify(&both).map_err(|_| fail(f, "keys and searchset must be of the same type"))?;
    let (keys, search) = both.split_at(keys.len());
    let mut out = Vec::new();
    for (value, key) in values.iter().zip(keys) {
        for s in search {
            match equals(key, s) {
                Ok(true) => {
                    out.push(value.clone());
                    break;
                }
                Ok(false) => {}
                // Terraform answers an empty list when the search set holds unknowns.
                Err(_) => return Ok(Value::List(Vec::new())),
            }
        }
    }
    Ok(Value::List(out))
}

pub(super) fn one(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    match list_arg(f, a, 0)? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        _ => Err(fail(
            f,
            "must be a list, set, or tuple value with either zero or one elements",
        )),
    }
}

pub(super) fn sum(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 1)?;
    let list = list_arg(f, a, 0)?;
    if list.is_empty() {
        return Err(fail(f, "cannot sum an empty list"));
    }
    wholly_known(arg(a, 0))?;
    let mut total = 0.0;
    for v in list {
        total += conv_num(v)
            .map_err(|_| fail(f, "argument must be list, set, or tuple of number values"))?;
    }
    Ok(Value::Number(total))
}

pub(super) fn range(f: &str, a: &[Value]) -> Res {
    arity(f, a, 1, 3)?;
    let nums = (0..a.len())
        .map(|i| num_arg(f, a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let toward = |from: f64, to: f64| if to < from { -1.0 } else { 1.0 };
    let (start, end, step) = match nums[..] {
        [end] => (0.0, end, toward(0.0, end)),
        [start, end] => (start, end, toward(start, end)),
        [start, end, step] => (start, end, step),
        _ => return Err(fail(f, "must have one, two, or three arguments")),
    };
    if step == 0.0 {
        return Err(bad_arg(f, 2, "step must not be zero"));
    }
    if step < 0.0 && end > start {
        return Err(bad_arg(
            f,
            1,
            "end must be less than start when step is negative",
        ));
    }
    if step > 0.0 && end < start {
        return Err(bad_arg(
            f,
            1,
            "end must be greater than start when step is positive",
        ));
    }
    let too_many = || {
        fail(
            f,
            "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
        )
    };
    if (end - start) / step > (MAX_RANGE + 1) as f64 {
        return Err(too_many());
    }
    // Terraform adds the step with exact arithmetic. f64 only does the same when every value
    // is an integer below 2^53, or a small multiple of a small power of two (halves, quarters).
    let exact = |x: f64| {
        (x.fract() == 0.0 && x.abs() <= 1_125_899_906_842_624.0)
            || ((x * 1024.0).fract() == 0.0 && x.abs() < 1_073_741_824.0)
    };
    if ![start, end, step].into_iter().all(exact) {
        return Err(Value::unknown(
            "`range()` with fractional or very large arguments is not evaluated by foundry-lint",
        ));
    }
    let mut out = Vec::new();
    loop {
        let x = start + out.len() as f64 * step;
        if (step > 0.0 && x >= end) || (step < 0.0 && x <= end) {
            break;
        }
        if out.len() >= MAX_RANGE {
            return Err(too_many());
        }
        out.push(Value::Number(x));
    }
    Ok(Value::List(out))
}

pub(super) fn setproduct(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, usize::MAX)?;
    let lists = (0..a.len())
        .map(|i| {
            let l = list_arg(f, a, i)?;
            unify(l).map_err(|m| bad_arg(f, i, m))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = lists
        .iter()
        .try_fold(1usize, |acc, l| acc.checked_mul(l.len()))
        .filter(|&n| n <= MAX_ELEMENTS);
    let Some(total) = total else {
        return Err(Value::unknown(format!(
            "`setproduct()` would produce more than {MAX_ELEMENTS} elements, too many to expand"
        )));
    };
    let mut out = Vec::with_capacity(total);
    let mut counters = vec![0usize; lists.len()];
    for _ in 0..total {
        out.push(Value::List(
            counters
                .iter()
                .zip(&lists)
                .map(|(&i, l)| l[i].clone())
                .collect(),
        ));
        // Odometer order: the last argument varies fastest.
        for (c, l) in counters.iter_mut().zip(&lists).rev() {
            *c += 1;
            if *c < l.len() {
                break;
            }
            *c = 0;
        }
    }
    Ok(Value::List(out))
}

#[derive(Clone, Copy)]
pub(super) enum SetOp {
    Union,
    Intersection,
    Subtract,
}

pub(super) fn set_operation(f: &str, a: &[Value], op: SetOp) -> Res {
    match op {
        SetOp::Subtract => arity(f, a, 2, 2)?,
        SetOp::Union | SetOp::Intersection => arity(f, a, 1, usize::MAX)?,
    }
    let mut all = Vec::new();
    let mut lens = Vec::new();
    for i in 0..a.len() {
        let l = list_arg(f, a, i)?;
        wholly_known(arg(a, i))?;
        all.extend_from_slice(l);
        lens.push(l.len());
    }
    // All sets convert to one element type first, so ["1"] and [1] share their element.
    let all =
        unify(&all).map_err(|_| fail(f, "given sets must all have compatible element types"))?;
    let mut rest: &[Value] = &all;
    let mut sets = Vec::new();
    for len in lens {
        let (set, tail) = rest.split_at(len);
        sets.push(sorted_set(set.to_vec()));
        rest = tail;
    }
    let member = |set: &[Value], v: &Value| set.binary_search_by(|x| set_order(x, v)).is_ok();
    let mut sets = sets.into_iter();
    let first = sets.next().unwrap_or_default();
    let result = match op {
        SetOp::Union => sorted_set(first.into_iter().chain(sets.flatten()).collect()),
        SetOp::Intersection => {
            let others: Vec<Vec<Value>> = sets.collect();
            first
                .into_iter()
                .filter(|v| others.iter().all(|s| member(s, v)))
                .collect()
        }
        SetOp::Subtract => {
            let other = sets.next().unwrap_or_default();
            first.into_iter().filter(|v| !member(&other, v)).collect()
        }
    };
    Ok(Value::List(result))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    // --- collections -------------------------------------------------------------------------

    #[test]
    fn length_counts_characters_elements_and_attributes() {
        assert_eq!(c("length", vec![list(vec![])]), n(0.0));
        assert_eq!(c("length", vec![strs(&["a", "b"])]), n(2.0));
        assert_eq!(c("length", vec![obj(&[("a", s("b"))])]), n(1.0));
        assert_eq!(c("length", vec![s("hello")]), n(5.0));
        assert_eq!(c("length", vec![s("héllo wörld")]), n(11.0));
        assert_eq!(c("length", vec![s("日本語")]), n(3.0));
        assert_eq!(c("length", vec![s("a\r\nb")]), n(3.0));
        assert!(is_error(&c("length", vec![n(5.0)])));
    }

    #[test]
    fn length_of_a_list_with_unknown_elements_is_known() {
        let v = list(vec![unknown("a"), unknown("b"), s("c")]);
        assert_eq!(c("length", vec![v]), n(3.0));
        let u = unknown("`var.list` has no value");
        assert_eq!(c("length", vec![u.clone()]), u);
    }

    #[test]
    fn length_of_strings_with_joining_characters_is_not_guessed() {
        // Terraform counts "👾🕹️" as 2 grapheme clusters; it is 3 characters.
        assert!(is_deferred(&c("length", vec![s("👾🕹\u{fe0f}")])));
        assert!(is_deferred(&c("length", vec![s("e\u{301}")])));
    }

    #[test]
    fn element_wraps_around() {
        let l = strs(&["a", "b", "c"]);
        assert_eq!(c("element", vec![l.clone(), n(1.0)]), s("b"));
        assert_eq!(c("element", vec![l.clone(), n(3.0)]), s("a"));
        assert_eq!(c("element", vec![l.clone(), n(-1.0)]), s("c"));
        assert_eq!(c("element", vec![l.clone(), s("2")]), s("c"));
        assert!(is_error(&c("element", vec![l, n(1.5)])));
    }

    #[test]
    fn element_of_an_empty_list_is_an_error() {
        let v = c("element", vec![list(vec![]), n(0.0)]);
        assert!(is_error(&v));
        assert_eq!(
            reason(&v),
            "element: cannot use element function with an empty list"
        );
    }

    #[test]
    fn element_returns_an_unknown_element_as_is() {
        let u = unknown("known after apply");
        assert_eq!(c("element", vec![list(vec![s("a"), u.clone()]), n(1.0)]), u);
    }

    #[test]
    fn index_finds_the_first_match() {
        assert_eq!(c("index", vec![strs(&["a", "b", "c"]), s("b")]), n(1.0));
        assert_eq!(
            reason(&c("index", vec![strs(&["a"]), s("z")])),
            "index: item not found"
        );
        assert!(is_error(&c("index", vec![list(vec![]), s("z")])));
        let u = unknown("u");
        assert_eq!(c("index", vec![list(vec![u.clone(), s("b")]), s("b")]), u);
        assert_eq!(c("index", vec![list(vec![s("b"), u]), s("b")]), n(0.0));
    }

    #[test]
    fn contains_looks_past_unknown_elements() {
        assert_eq!(c("contains", vec![strs(&["a", "b", "c"]), s("a")]), b(true));
        assert_eq!(
            c("contains", vec![strs(&["a", "b", "c"]), s("d")]),
            b(false)
        );
        let u = unknown("known after apply");
        assert_eq!(
            c("contains", vec![list(vec![u.clone(), s("a")]), s("a")]),
            b(true)
        );
        assert_eq!(
            c("contains", vec![list(vec![u.clone(), s("a")]), s("z")]),
            u
        );
        // Different types are never equal.
        assert_eq!(c("contains", vec![strs(&["1"]), n(1.0)]), b(false));
        assert_eq!(
            c(
                "contains",
                vec![list(vec![strs(&["a", "b"])]), strs(&["a", "b"])]
            ),
            b(true)
        );
    }

    #[test]
    fn lookup_returns_the_value_or_the_default() {
        let m = obj(&[("a", s("ay")), ("b", s("bee"))]);
        assert_eq!(c("lookup", vec![m.clone(), s("a"), s("what?")]), s("ay"));
        assert_eq!(c("lookup", vec![m.clone(), s("c"), s("what?")]), s("what?"));
        let missing = c("lookup", vec![m, s("c")]);
        assert!(is_error(&missing));
        assert_eq!(reason(&missing), "lookup: lookup failed to find key \"c\"");
    }

    #[test]
    fn lookup_of_a_known_key_returns_even_an_unknown_value() {
        let u = unknown("known after apply");
        let m = obj(&[("a", u.clone()), ("b", s("bee"))]);
        assert_eq!(c("lookup", vec![m.clone(), s("a"), s("x")]), u);
        assert_eq!(c("lookup", vec![m, s("b")]), s("bee"));
        let key = unknown("`var.key` has no value");
        assert_eq!(c("lookup", vec![obj(&[]), key.clone(), s("x")]), key);
        assert!(is_error(&c("lookup", vec![strs(&["a"]), s("a")])));
    }

    #[test]
    fn keys_and_values_follow_key_order() {
        let m = obj(&[("d", n(1.0)), ("a", n(3.0)), ("c", n(2.0))]);
        assert_eq!(c("keys", vec![m.clone()]), strs(&["a", "c", "d"]));
        assert_eq!(c("values", vec![m]), nums(&[3.0, 2.0, 1.0]));
        let u = unknown("known after apply");
        assert_eq!(c("keys", vec![obj(&[("x", u.clone())])]), strs(&["x"]));
        assert_eq!(c("values", vec![obj(&[("x", u.clone())])]), list(vec![u]));
        assert!(is_error(&c("keys", vec![strs(&["a"])])));
    }

    #[test]
    fn merge_lets_later_keys_win() {
        let v = c(
            "merge",
            vec![
                obj(&[("a", s("b")), ("c", s("d"))]),
                obj(&[("e", s("f")), ("c", s("z"))]),
            ],
        );
        assert_eq!(v, obj(&[("a", s("b")), ("c", s("z")), ("e", s("f"))]));
        assert_eq!(c("merge", vec![]), obj(&[]));
        assert_eq!(
            c("merge", vec![Value::Null, obj(&[("a", n(1.0))])]),
            obj(&[("a", n(1.0))])
        );
        assert!(is_error(&c("merge", vec![strs(&["a"])])));
        let u = unknown("u");
        assert_eq!(c("merge", vec![obj(&[("a", u.clone())])]), obj(&[("a", u)]));
    }

    #[test]
    fn concat_joins_lists_with_unknown_elements() {
        assert_eq!(
            c("concat", vec![strs(&["a", ""]), strs(&["b", "c"])]),
            strs(&["a", "", "b", "c"])
        );
        let u = unknown("u");
        assert_eq!(
            c("concat", vec![list(vec![u.clone()]), strs(&["b"])]),
            list(vec![u, s("b")])
        );
        assert!(is_error(&c("concat", vec![s("a")])));
    }

    #[test]
    fn flatten_is_recursive() {
        assert_eq!(
            c(
                "flatten",
                vec![list(vec![strs(&["a", "b"]), strs(&[]), strs(&["c"])])]
            ),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            c(
                "flatten",
                vec![list(vec![
                    list(vec![strs(&["a", "b"]), strs(&[])]),
                    strs(&["c"])
                ])]
            ),
            strs(&["a", "b", "c"])
        );
        let u = unknown("u");
        assert_eq!(c("flatten", vec![list(vec![strs(&["a"]), u.clone()])]), u);
    }

    #[test]
    fn flatten_refuses_absurd_nesting() {
        let mut v = s("x");
        for _ in 0..300 {
            v = list(vec![v]);
        }
        assert!(is_error(&c("flatten", vec![v])));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        assert_eq!(
            c("distinct", vec![strs(&["a", "b", "a", "c", "d", "b"])]),
            strs(&["a", "b", "c", "d"])
        );
        assert_eq!(
            c("distinct", vec![list(vec![s("1"), n(1.0)])]),
            strs(&["1"])
        );
        let u = unknown("u");
        assert_eq!(c("distinct", vec![list(vec![s("a"), u.clone()])]), u);
    }

    #[test]
    fn coalesce_skips_nulls_and_empty_strings() {
        assert_eq!(c("coalesce", vec![s("a"), s("b")]), s("a"));
        assert_eq!(c("coalesce", vec![s(""), s("b")]), s("b"));
        assert_eq!(c("coalesce", vec![n(1.0), n(2.0)]), n(1.0));
        assert_eq!(c("coalesce", vec![Value::Null, n(2.0)]), n(2.0));
        assert_eq!(c("coalesce", vec![n(1.0), s("b")]), s("1"));
        let none = c("coalesce", vec![Value::Null, s("")]);
        assert_eq!(
            reason(&none),
            "coalesce: no non-null, non-empty-string arguments"
        );
        assert!(is_error(&c("coalesce", vec![s("a"), strs(&["b"])])));
    }

    #[test]
    fn coalesce_stops_at_a_leading_unknown() {
        let u = unknown("`var.name` has no value");
        assert_eq!(c("coalesce", vec![u.clone(), s("b")]), u);
        assert_eq!(c("coalesce", vec![s(""), u.clone(), s("b")]), u);
        assert_eq!(c("coalesce", vec![s("a"), u]), s("a"));
    }

    #[test]
    fn coalescelist_returns_the_first_non_empty_list() {
        assert_eq!(
            c("coalescelist", vec![strs(&["a", "b"]), strs(&["c", "d"])]),
            strs(&["a", "b"])
        );
        assert_eq!(
            c("coalescelist", vec![strs(&[]), strs(&["c", "d"])]),
            strs(&["c", "d"])
        );
        assert!(is_error(&c("coalescelist", vec![strs(&[])])));
        assert!(is_error(&c("coalescelist", vec![s("a")])));
    }

    #[test]
    fn compact_drops_empty_strings() {
        assert_eq!(
            c("compact", vec![strs(&["a", "", "b", "c"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            c("compact", vec![list(vec![n(1.0), Value::Null, s("")])]),
            strs(&["1"])
        );
    }

    #[test]
    fn chunklist_splits_into_fixed_sizes() {
        let l = strs(&["a", "b", "c", "d", "e"]);
        assert_eq!(
            c("chunklist", vec![l.clone(), n(2.0)]),
            list(vec![strs(&["a", "b"]), strs(&["c", "d"]), strs(&["e"])])
        );
        assert_eq!(
            c("chunklist", vec![l.clone(), n(0.0)]),
            list(vec![l.clone()])
        );
        assert_eq!(c("chunklist", vec![strs(&[]), n(3.0)]), list(vec![]));
        assert!(is_error(&c("chunklist", vec![l, n(-1.0)])));
    }

    #[test]
    fn alltrue_and_anytrue() {
        assert_eq!(c("alltrue", vec![list(vec![s("true"), b(true)])]), b(true));
        assert_eq!(c("alltrue", vec![list(vec![b(true), b(false)])]), b(false));
        assert_eq!(c("alltrue", vec![list(vec![])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![s("true")])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![b(true), b(false)])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![])]), b(false));
        let u = unknown("u");
        assert_eq!(
            c("alltrue", vec![list(vec![b(false), u.clone()])]),
            b(false)
        );
        assert_eq!(c("alltrue", vec![list(vec![u.clone(), b(false)])]), u);
        assert_eq!(c("anytrue", vec![list(vec![u.clone(), b(true)])]), b(true));
        assert_eq!(c("anytrue", vec![list(vec![u.clone(), b(false)])]), u);
        assert!(is_error(&c("alltrue", vec![list(vec![b(false), n(1.0)])])));
    }

    #[test]
    fn zipmap_pairs_keys_with_values() {
        assert_eq!(
            c("zipmap", vec![strs(&["a", "b"]), nums(&[1.0, 2.0])]),
            obj(&[("a", n(1.0)), ("b", n(2.0))])
        );
        assert!(is_error(&c(
            "zipmap",
            vec![strs(&["a"]), nums(&[1.0, 2.0])]
        )));
    }

    #[test]
    fn transpose_swaps_keys_and_values() {
        let m = obj(&[("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))]);
        assert_eq!(
            c("transpose", vec![m]),
            obj(&[
                ("1", strs(&["a"])),
                ("2", strs(&["a", "b"])),
                ("3", strs(&["b"]))
            ])
        );
    }

    #[test]
    fn matchkeys_selects_by_key() {
        assert_eq!(
            c(
                "matchkeys",
                vec![
                    strs(&["i-123", "i-abc", "i-def"]),
                    strs(&["us-west", "us-east", "us-east"]),
                    strs(&["us-east"])
                ]
            ),
            strs(&["i-abc", "i-def"])
        );
    }

    #[test]
    fn one_takes_zero_or_one_element() {
        assert_eq!(c("one", vec![list(vec![])]), Value::Null);
        assert_eq!(c("one", vec![strs(&["hello"])]), s("hello"));
        assert!(is_error(&c("one", vec![strs(&["hello", "goodbye"])])));
    }

    #[test]
    fn reverse_slice_sort_sum() {
        assert_eq!(
            c("reverse", vec![nums(&[1.0, 2.0, 3.0])]),
            nums(&[3.0, 2.0, 1.0])
        );
        assert_eq!(
            c("slice", vec![strs(&["a", "b", "c", "d"]), n(1.0), n(3.0)]),
            strs(&["b", "c"])
        );
        assert!(is_error(&c("slice", vec![strs(&["a"]), n(0.0), n(2.0)])));
        assert!(is_error(&c(
            "slice",
            vec![strs(&["a", "b"]), n(2.0), n(1.0)]
        )));
        assert_eq!(
            c("sort", vec![strs(&["e", "d", "a", "x"])]),
            strs(&["a", "d", "e", "x"])
        );
        assert_eq!(c("sum", vec![nums(&[10.0, 13.0, 6.0, 4.5])]), n(33.5));
        assert!(is_error(&c("sum", vec![list(vec![])])));
    }

    #[test]
    fn range_like_terraform() {
        assert_eq!(c("range", vec![n(3.0)]), nums(&[0.0, 1.0, 2.0]));
        assert_eq!(c("range", vec![n(1.0), n(4.0)]), nums(&[1.0, 2.0, 3.0]));
        assert_eq!(
            c("range", vec![n(1.0), n(8.0), n(2.0)]),
            nums(&[1.0, 3.0, 5.0, 7.0])
        );
        assert_eq!(
            c("range", vec![n(1.0), n(4.0), n(0.5)]),
            nums(&[1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
        );
        assert_eq!(c("range", vec![n(4.0), n(1.0)]), nums(&[4.0, 3.0, 2.0]));
        assert_eq!(
            c("range", vec![n(10.0), n(5.0), n(-2.0)]),
            nums(&[10.0, 8.0, 6.0])
        );
        assert_eq!(c("range", vec![n(0.0)]), nums(&[]));
        assert!(is_error(&c("range", vec![n(1.0), n(4.0), n(0.0)])));
        assert!(is_error(&c("range", vec![n(4.0), n(1.0), n(1.0)])));
        assert!(is_deferred(&c("range", vec![n(0.0), n(1.0), n(0.1)])));
    }

    #[test]
    fn range_refuses_more_than_1024_values_without_building_them() {
        assert_eq!(
            c("range", vec![n(1024.0)]).as_list().map(<[Value]>::len),
            Some(1024)
        );
        assert!(is_error(&c("range", vec![n(1025.0)])));
        assert!(is_error(&c("range", vec![n(0.0), n(1e18)])));
        assert!(is_error(&c("range", vec![n(-1e300), n(1e300), n(1e-300)])));
    }

    #[test]
    fn set_functions_sort_and_deduplicate() {
        assert_eq!(
            c(
                "setunion",
                vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["d"])]
            ),
            strs(&["a", "b", "c", "d"])
        );
        assert_eq!(
            c(
                "setintersection",
                vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["b", "d"])]
            ),
            strs(&["b"])
        );
        assert_eq!(
            c(
                "setsubtract",
                vec![strs(&["a", "b", "c"]), strs(&["a", "c"])]
            ),
            strs(&["b"])
        );
        assert_eq!(
            c("setunion", vec![nums(&[10.0, 9.0]), nums(&[2.0])]),
            nums(&[2.0, 9.0, 10.0])
        );
        let u = unknown("u");
        assert_eq!(c("setunion", vec![list(vec![u.clone()]), strs(&["a"])]), u);
    }

    #[test]
    fn setproduct_in_argument_order() {
        let v = c(
            "setproduct",
            vec![
                strs(&["development", "staging", "production"]),
                strs(&["app1", "app2"]),
            ],
        );
        assert_eq!(
            v,
            list(vec![
                strs(&["development", "app1"]),
                strs(&["development", "app2"]),
                strs(&["staging", "app1"]),
                strs(&["staging", "app2"]),
                strs(&["production", "app1"]),
                strs(&["production", "app2"]),
            ])
        );
        assert_eq!(c("setproduct", vec![strs(&[]), strs(&["a"])]), list(vec![]));
        assert!(is_error(&c("setproduct", vec![strs(&["a"])])));
    }

    #[test]
    fn setproduct_too_large_is_deferred() {
        let big = Value::List((0..1000).map(|i| n(f64::from(i))).collect());
        assert!(is_deferred(&c(
            "setproduct",
            vec![big.clone(), big.clone(), big]
        )));
    }
}
