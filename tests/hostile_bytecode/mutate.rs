//! A deterministic mutator of byte strings, self-contained (no crate):
//! `mutations` is the interface a shared mutator can replace.

use std::ops::Range;

/// Numbers that break arithmetic: zero and signs, the edges of `u32`
/// and `i64`, 2^58 (seconds that wrap to 0 µs), a float beyond `i64`.
pub const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "4294967295",
    "9223372036854775807",
    "-9223372036854775808",
    "288230376151711744",
    "1e300",
];

/// Bytes that break JSON or land on its structure.
const BYTES: &[u8] = &[
    0, 0xFF, b'0', b'9', b'-', b'"', b'\\', b'{', b']', b',', 0x80,
];

/// SplitMix64: small, and the same sequence everywhere.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `count` damaged copies of the seeds: each a random seed with one or
/// two of bit flip, byte overwrite, truncation, insertion, deletion,
/// duplication of a range, a number replaced by one of [`NUMBERS`], or
/// a digit of a number changed. Half the damage is to numbers, which
/// keeps the JSON readable, so the verifier and the interpreter are
/// reached, not only the parser.
pub fn mutations(seeds: &[Vec<u8>], count: usize, seed: u64) -> impl Iterator<Item = Vec<u8>> + '_ {
    let mut rng = Rng(seed);
    (0..count).map(move |_| {
        let mut bytes = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(2) {
            mutate(&mut bytes, &mut rng);
        }
        bytes
    })
}

fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) {
    if bytes.is_empty() {
        bytes.push(BYTES[rng.below(BYTES.len())]);
        return;
    }
    let at = rng.below(bytes.len());
    match rng.below(12) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes[at] = BYTES[rng.below(BYTES.len())],
        2 => bytes.truncate(at),
        3 => bytes.insert(at, BYTES[rng.below(BYTES.len())]),
        4 => {
            let end = (at + 1 + rng.below(16)).min(bytes.len());
            bytes.drain(at..end);
        }
        5 => {
            let end = (at + 1 + rng.below(64)).min(bytes.len());
            let chunk = bytes[at..end].to_vec();
            let to = rng.below(bytes.len());
            bytes.splice(to..to, chunk);
        }
        k => {
            let spans = number_spans(bytes);
            if spans.is_empty() {
                return;
            }
            let span = spans[rng.below(spans.len())].clone();
            if k < 9 {
                let number = NUMBERS[rng.below(NUMBERS.len())];
                bytes.splice(span, number.bytes());
            } else {
                let digit = span.start + rng.below(span.len());
                if bytes[digit].is_ascii_digit() {
                    bytes[digit] = b'0' + rng.below(10) as u8;
                }
            }
        }
    }
}

/// Where the numbers of a JSON text are: runs of digits, with a sign,
/// fraction and exponent.
pub fn number_spans(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit()
            || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            spans.push(start..i);
        } else {
            i += 1;
        }
    }
    spans
}
