//! The AWS managed policy corpus as committed under `server/tests/data/`
//! (`managed-policies.txt.lz4`, written by `scripts/gen-corpus.sh`): one LZ4 block with its
//! uncompressed size prepended (4 bytes, little-endian), holding `### Name` lines each followed
//! by that policy's JSON. Extracted here to one `Name.json` file per policy, named as the CLI's
//! own benchmark names them, so both benchmarks check the same files.
//!
//! The LZ4 block decoder is a few lines of std, to keep this crate's dependencies at serde_json.

use std::path::{Path, PathBuf};

/// Where the corpus lives in the repository.
pub const COMMITTED: &str = "server/tests/data/managed-policies.txt.lz4";

/// Decodes an LZ4 block with its uncompressed size prepended.
pub fn decompress_size_prepended(input: &[u8]) -> Result<Vec<u8>, String> {
    let (size, block) = input
        .split_first_chunk::<4>()
        .ok_or("shorter than its size prefix")?;
    let size = u32::from_le_bytes(*size) as usize;
    let mut out = Vec::with_capacity(size);
    let mut i = 0;
    let byte = |i: &mut usize| -> Result<u8, String> {
        let b = *block.get(*i).ok_or("truncated LZ4 block")?;
        *i += 1;
        Ok(b)
    };
    let length = |i: &mut usize, nibble: u8| -> Result<usize, String> {
        let mut n = nibble as usize;
        if nibble == 15 {
            loop {
                let b = byte(i)?;
                n += b as usize;
                if b != 255 {
                    break;
                }
            }
        }
        Ok(n)
    };
    while i < block.len() {
        let token = byte(&mut i)?;
        let literals = length(&mut i, token >> 4)?;
        let end = i
            .checked_add(literals)
            .filter(|&e| e <= block.len())
            .ok_or("literals past the end")?;
        out.extend_from_slice(&block[i..end]);
        i = end;
        if i == block.len() {
            break;
        }
        let offset = u16::from_le_bytes([byte(&mut i)?, byte(&mut i)?]) as usize;
        if offset == 0 || offset > out.len() {
            return Err(format!("bad match offset {offset}"));
        }
        let matched = length(&mut i, token & 15)? + 4;
        let from = out.len() - offset;
        for k in 0..matched {
            let b = out[from + k];
            out.push(b);
        }
        if out.len() > size {
            return Err("longer than its size prefix".into());
        }
    }
    if out.len() != size {
        return Err(format!("{} bytes decoded, {size} announced", out.len()));
    }
    Ok(out)
}

/// Splits the corpus text into `(name, document)` records.
pub fn records(text: &str) -> Vec<(&str, &str)> {
    text.split("### ")
        .skip(1)
        .filter_map(|chunk| chunk.split_once('\n'))
        .map(|(name, doc)| (name.trim(), doc))
        .collect()
}

/// The file name of a policy: its name with anything but ASCII letters, digits, `-`, `_` and
/// `.` replaced by `_`, plus `.json`.
pub fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

/// Extracts the corpus file `lz4` into `dir` (created); returns the files written, sorted.
pub fn extract(lz4: &Path, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let bytes = std::fs::read(lz4).map_err(|e| format!("{}: {e}", lz4.display()))?;
    let text = decompress_size_prepended(&bytes).map_err(|e| format!("{}: {e}", lz4.display()))?;
    let text = String::from_utf8(text).map_err(|e| format!("{}: not UTF-8: {e}", lz4.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for (name, doc) in records(&text) {
        let path = dir.join(file_name(name));
        std::fs::write(&path, doc).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(path);
    }
    files.sort();
    files.dedup();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_literals_and_overlapping_matches() {
        // "abcabcabcabc!": literals "abc", then a match of 9 at offset 3 (overlapping), then "!".
        let mut input = 13u32.to_le_bytes().to_vec();
        input.extend_from_slice(&[0x35, b'a', b'b', b'c', 3, 0]);
        input.extend_from_slice(&[0x10, b'!']);
        assert_eq!(decompress_size_prepended(&input).unwrap(), b"abcabcabcabc!");
    }

    #[test]
    fn decodes_long_literal_runs() {
        let text = vec![b'x'; 300];
        let mut input = 300u32.to_le_bytes().to_vec();
        // 15 + 255 + 30 = 300 literals.
        input.extend_from_slice(&[0xF0, 255, 30]);
        input.extend_from_slice(&text);
        assert_eq!(decompress_size_prepended(&input).unwrap(), text);
    }

    #[test]
    fn rejects_broken_blocks() {
        assert!(decompress_size_prepended(&[1, 0]).is_err());
        let mut bad_offset = 8u32.to_le_bytes().to_vec();
        bad_offset.extend_from_slice(&[0x10, b'a', 5, 0]);
        assert!(decompress_size_prepended(&bad_offset).is_err());
        let mut wrong_size = 9u32.to_le_bytes().to_vec();
        wrong_size.extend_from_slice(&[0x30, b'a', b'b', b'c']);
        assert!(decompress_size_prepended(&wrong_size).is_err());
    }

    #[test]
    fn records_and_names() {
        let text = "### A/b c\n{\"x\": 1}\n### Second\n{}\n";
        assert_eq!(
            records(text),
            vec![("A/b c", "{\"x\": 1}\n"), ("Second", "{}\n")]
        );
        assert_eq!(file_name("A/b c"), "A_b_c.json");
    }
}
