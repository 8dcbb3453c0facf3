//! Helpers shared by the crate's unit tests.

/// A small deterministic generator (xorshift), so a failure repeats.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A char boundary of `text` near a random offset.
pub fn boundary(text: &str, rng: &mut Rng) -> usize {
    crate::text::floor_char_boundary(text, rng.below(text.len() + 1))
}

/// The AWS managed policies of the committed corpus, (name, text).
pub fn managed_policies() -> Vec<(String, String)> {
    let bytes = include_bytes!("../tests/data/managed-policies.txt.lz4");
    let raw = lz4_flex::block::decompress_size_prepended(bytes).expect("corpus decodes");
    let text = String::from_utf8(raw).expect("UTF-8");
    text.split("### ")
        .skip(1)
        .filter_map(|r| r.split_once('\n'))
        .map(|(n, d)| (n.to_string(), d.to_string()))
        .collect()
}
