//! "Did you mean" candidates: optimal-string-alignment edit distance (insertions, deletions,
//! substitutions and swaps of adjacent characters), ignoring ASCII case.

use super::{Action, Catalog, ConditionKey, KeyInfo, Service};

/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 5;

/// How far a candidate may be from a query of `len` characters: a quarter of its length,
/// between 1 and 3.
fn budget(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// Edit distance between `a` and `b` ignoring ASCII case, or `None` when it exceeds `limit`.
pub(crate) fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    // Three rows; on the stack for the usual short names (this runs for every service or
    // action of the catalog when a name is unknown).
    let mut stack = [0usize; 3 * 48];
    let mut heap = Vec::new();
    let rows: &mut [usize] = if 3 * width <= stack.len() {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap
    };
    let (mut prev2, rest) = rows.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let same = a[i - 1].eq_ignore_ascii_case(&b[j - 1]);
            let mut d = (prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(prev[j - 1] + usize::from(!same));
            if i > 1
                && j > 1
                && a[i - 1].eq_ignore_ascii_case(&b[j - 2])
                && a[i - 2].eq_ignore_ascii_case(&b[j - 1])
            {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// Keeps the nearest `MAX_SUGGESTIONS` of `(distance, name, item)`, ordered by distance, then
/// name, one per name.
fn nearest<T>(mut scored: Vec<(usize, &'static str, T)>) -> Vec<T> {
    scored.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(y.1)));
    scored.dedup_by(|x, y| x.1.eq_ignore_ascii_case(y.1));
    scored.truncate(MAX_SUGGESTIONS);
    scored.into_iter().map(|(_, _, item)| item).collect()
}

pub(crate) fn services(catalog: &Catalog, prefix: &str) -> Vec<Service> {
    let limit = budget(prefix.len());
    let scored = catalog
        .services()
        .filter_map(|s| distance(prefix, s.prefix(), limit).map(|d| (d, s.prefix(), s)))
        .filter(|(d, _, _)| *d > 0)
        .collect();
    nearest(scored)
}

pub(crate) fn actions(catalog: &Catalog, name: &str) -> Vec<Action> {
    // An API operation whose permission is named otherwise: the permission, not the nearest
    // spelling (`s3:ListBuckets` is `s3:ListAllMyBuckets`, not `s3:ListBucket`).
    if let Some((_, perms)) = super::api_names::api_permissions(name) {
        return perms.iter().filter_map(|p| catalog.action(p)).collect();
    }
    let (prefix, action) = name.split_once(':').unwrap_or(("", name));
    let services: Vec<Service> = match catalog.service(prefix) {
        Some(s) => vec![s],
        None => catalog
            .suggest_service(prefix)
            .into_iter()
            .take(2)
            .collect(),
    };
    let limit = budget(action.len());
    let mut scored = Vec::new();
    for service in services {
        // A misspelt prefix counts against the candidate too.
        let service_cost = distance(prefix, service.prefix(), usize::MAX).unwrap_or(0);
        for a in service.actions() {
            if let Some(d) = distance(action, a.name(), limit) {
                let total = d + service_cost;
                if total > 0 {
                    scored.push((total, a.full_name(), a));
                }
            }
        }
    }
    nearest(scored)
}

pub(crate) fn keys(catalog: &Catalog, name: &str) -> Vec<KeyInfo> {
    let limit = budget(name.len());
    let mut scored: Vec<(usize, &'static str, KeyInfo)> = Vec::new();
    for g in catalog.global_keys() {
        if let Some(d) = distance(name, g.name(), limit).filter(|&d| d > 0) {
            scored.push((d, g.name(), KeyInfo::from_global(g, false)));
        }
    }
    let prefix = match name.split_once(':') {
        Some((p, _)) => &name[..p.len() + 1],
        None => "",
    };
    let mut consider = |k: ConditionKey| {
        let key_name = k.name();
        if key_name
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
        {
            return; // the global table covers these
        }
        if let Some(d) = distance(name, key_name, limit).filter(|&d| d > 0) {
            scored.push((d, key_name, KeyInfo::from_service(k, false)));
        }
    };
    let mut any_with_prefix = false;
    if !prefix.is_empty() {
        for k in catalog.keys_with_prefix(prefix) {
            any_with_prefix = true;
            consider(k);
        }
    }
    if !any_with_prefix {
        for k in catalog.service_keys() {
            consider(k);
        }
    }
    nearest(scored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("GetObject", "getobject", 3), Some(0));
        assert_eq!(distance("GetObjet", "GetObject", 3), Some(1));
        assert_eq!(distance("GetObejct", "GetObject", 3), Some(1));
        assert_eq!(distance("PutObject", "GetObject", 3), Some(2));
        assert_eq!(distance("PutObject", "GetObject", 1), None);
        assert_eq!(distance("abc", "xyz", 2), None);
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("a", "abcdef", 2), None);
    }

    #[test]
    fn api_names_suggest_their_permission() {
        let cat = crate::catalog::catalog();
        let names =
            |q: &str| -> Vec<&str> { actions(cat, q).iter().map(|a| a.full_name()).collect() };
        assert_eq!(names("s3:ListBuckets"), ["s3:ListAllMyBuckets"]);
        assert_eq!(names("s3:HeadObject"), ["s3:GetObject"]);
        // Plain misspellings still go by spelling.
        assert_eq!(names("s3:GetObjet").first(), Some(&"s3:GetObject"));
    }

    #[test]
    fn budgets() {
        assert_eq!(budget(2), 1);
        assert_eq!(budget(9), 2);
        assert_eq!(budget(40), 3);
    }
}
