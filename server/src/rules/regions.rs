//! AWS Region codes, as data: the list rules check region values against (`aws:RequestedRegion`
//! condition values, the region field of ARNs), a shape test for codes the list does not know
//! yet, and "did you mean" for near misses.
//!
//! The list is the public Regions (including opt-in ones), the China and GovCloud partitions, the
//! isolated partitions whose codes AWS has published, and the European Sovereign Cloud. AWS opens
//! new Regions every year, so rules must not call a value invalid just because it is missing
//! here: [`looks_like_region`] tells a well-formed code that may simply be newer than this list
//! from text that cannot be a Region code at all.

/// One Region: its code, the partition it belongs to, and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// The code used in APIs, ARNs and `aws:RequestedRegion`, e.g. `eu-west-1`.
    pub code: &'static str,
    /// The ARN partition, e.g. `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: &'static str,
    /// Where it is, e.g. `Ireland`.
    pub location: &'static str,
}

const fn r(code: &'static str, partition: &'static str, location: &'static str) -> Region {
    Region {
        code,
        partition,
        location,
    }
}

/// Every Region code known to this build, grouped by partition.
pub static REGIONS: &[Region] = &[
    r("us-east-1", "aws", "N. Virginia"),
    r("us-east-2", "aws", "Ohio"),
    r("us-west-1", "aws", "N. California"),
    r("us-west-2", "aws", "Oregon"),
    r("af-south-1", "aws", "Cape Town"),
    r("ap-east-1", "aws", "Hong Kong"),
    r("ap-east-2", "aws", "Taipei"),
    r("ap-south-1", "aws", "Mumbai"),
    r("ap-south-2", "aws", "Hyderabad"),
    r("ap-southeast-1", "aws", "Singapore"),
    r("ap-southeast-2", "aws", "Sydney"),
    r("ap-southeast-3", "aws", "Jakarta"),
    r("ap-southeast-4", "aws", "Melbourne"),
    r("ap-southeast-5", "aws", "Malaysia"),
    r("ap-southeast-6", "aws", "New Zealand"),
    r("ap-southeast-7", "aws", "Thailand"),
    r("ap-northeast-1", "aws", "Tokyo"),
    r("ap-northeast-2", "aws", "Seoul"),
    r("ap-northeast-3", "aws", "Osaka"),
    r("ca-central-1", "aws", "Canada Central"),
    r("ca-west-1", "aws", "Calgary"),
    r("eu-central-1", "aws", "Frankfurt"),
    r("eu-central-2", "aws", "Zurich"),
    r("eu-west-1", "aws", "Ireland"),
    r("eu-west-2", "aws", "London"),
    r("eu-west-3", "aws", "Paris"),
    r("eu-south-1", "aws", "Milan"),
    r("eu-south-2", "aws", "Spain"),
    r("eu-north-1", "aws", "Stockholm"),
    r("il-central-1", "aws", "Tel Aviv"),
    r("me-south-1", "aws", "Bahrain"),
    r("me-central-1", "aws", "UAE"),
    r("mx-central-1", "aws", "Mexico"),
    r("sa-east-1", "aws", "São Paulo"),
    r("cn-north-1", "aws-cn", "Beijing"),
    r("cn-northwest-1", "aws-cn", "Ningxia"),
    r("us-gov-east-1", "aws-us-gov", "GovCloud (US-East)"),
    r("us-gov-west-1", "aws-us-gov", "GovCloud (US-West)"),
    r("us-iso-east-1", "aws-iso", "US ISO East"),
    r("us-iso-west-1", "aws-iso", "US ISO West"),
    r("us-isob-east-1", "aws-iso-b", "US ISOB East"),
    r("us-isob-west-1", "aws-iso-b", "US ISOB West"),
    r("eu-isoe-west-1", "aws-iso-e", "EU ISOE West"),
    r("us-isof-south-1", "aws-iso-f", "US ISOF South"),
    r("us-isof-east-1", "aws-iso-f", "US ISOF East"),
    r(
        "eusc-de-east-1",
        "aws-eusc",
        "European Sovereign Cloud (Germany)",
    ),
];

/// The Region with exactly this code (Region codes are lowercase; no case folding).
pub fn find(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

/// Whether `code` is a Region this build knows.
pub fn is_known(code: &str) -> bool {
    find(code).is_some()
}

/// Whether `code` has the shape of a Region code: two to four lowercase letters, one to three
/// lowercase words, and a number of one or two digits, all joined by single hyphens
/// (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`). A code of this shape that is not in
/// [`REGIONS`] may be a Region opened after this build; anything else cannot be a Region.
pub fn looks_like_region(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    if !(3..=5).contains(&parts.len()) {
        return false;
    }
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let (first, rest) = (parts[0], &parts[1..]);
    let Some((number, words)) = rest.split_last() else {
        return false;
    };
    (2..=4).contains(&first.len())
        && lower(first)
        && words.iter().all(|w| lower(w))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The known Region closest to `text` (ignoring case; at most two edits, or the same code with
/// hyphens or underscores misplaced), for "did you mean".
pub fn suggest(text: &str) -> Option<&'static str> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = squash(text);
    if let Some(r) = REGIONS.iter().find(|r| squash(r.code) == wanted) {
        return Some(r.code);
    }
    let lower = text.to_ascii_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for r in REGIONS {
        let d = edit_distance(&lower, r.code);
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, r.code));
        }
    }
    best.map(|(_, code)| code)
}

/// Levenshtein distance over bytes (Region codes are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_is_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in REGIONS {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert!(
                looks_like_region(r.code),
                "{} has an unexpected shape",
                r.code
            );
            assert!(r.partition.starts_with("aws"), "{}", r.code);
        }
    }

    #[test]
    fn shapes() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "eusc-de-east-1",
            "ap-southeast-12",
        ] {
            assert!(looks_like_region(ok), "{ok}");
        }
        for bad in [
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "useast1",
            "us-east-1a",
            "us-east-123",
            "*",
            "",
            "u-east-1",
            "us--1",
        ] {
            assert!(!looks_like_region(bad), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("US-EAST-1"), Some("us-east-1"));
        assert_eq!(suggest("us_east_1"), Some("us-east-1"));
        assert_eq!(suggest("euwest1"), Some("eu-west-1"));
        assert_eq!(suggest("eu-west-1a"), Some("eu-west-1"));
        assert_eq!(suggest("us-est-2"), Some("us-east-2"));
        assert_eq!(suggest("mars-north-9"), None);
        assert!(is_known("eu-central-2"));
        assert!(!is_known("EU-CENTRAL-2"));
        assert_eq!(find("sa-east-1").map(|r| r.partition), Some("aws"));
    }
}
