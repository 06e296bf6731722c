//! A small deterministic mutation fuzzer: inputs derived from valid seed
//! files by byte-level damage, the same on every run and machine (no
//! crates, a fixed PRNG), so that a failure reproduces from its index.

/// xorshift64*: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that make parsers take unusual paths: ends of ranges, CSV and
/// JSON punctuation, a UTF-8 lead byte without its continuation.
const INTERESTING: &[u8] = &[0, 0xFF, 0x7F, 0x80, b'"', b',', b'\n', 0xC3];

/// Text that is valid UTF-8 but not what a field expects: multi-byte
/// characters (where digits belong they once split a timestamp mid-char),
/// numbers at the edges of their types, JSON structure.
const TOKENS: &[&str] = &[
    "€",
    "é",
    "\u{FEFF}",
    "𝟘",
    "NaN",
    "-inf",
    "1e300",
    "18446744073709551616",
    "-0",
    "\\u0000",
    "{}",
    "[",
    "\":\"",
    "\r\n",
];

/// Numbers that break arithmetic: zero and signs, the edges of `u32` and
/// `i64`, 2^58 (seconds that wrap to 0 µs), a float beyond `i64`.
pub const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "4294967295",
    "9223372036854775807",
    "-9223372036854775808",
    "288230376151711744",
    "1e300",
];

/// Where the numbers of a text are: runs of digits, with a sign, fraction
/// and exponent. Damage aimed there keeps JSON readable, so checks past the
/// parser (a verifier, a type) are reached.
pub fn number_spans(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
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

/// `count` inputs, each a seed with one to three mutations stacked.
pub fn mutations(seeds: &[Vec<u8>], count: usize, seed: u64) -> impl Iterator<Item = Vec<u8>> + '_ {
    assert!(!seeds.is_empty(), "mutations need a seed");
    let mut rng = Rng::new(seed);
    (0..count).map(move |_| {
        let mut input = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut input, seeds, &mut rng);
        }
        input
    })
}

fn mutate(input: &mut Vec<u8>, seeds: &[Vec<u8>], rng: &mut Rng) {
    let len = input.len();
    let at = rng.below(len + 1);
    match rng.below(11) {
        // Flip one bit.
        0 if len > 0 => input[at.min(len - 1)] ^= 1 << rng.below(8),
        // Set a byte to an interesting value.
        1 if len > 0 => input[at.min(len - 1)] = INTERESTING[rng.below(INTERESTING.len())],
        // Insert a run of random bytes, or of one byte repeated.
        2 => {
            let n = 1 + rng.below(16);
            let byte = rng.next() as u8;
            let run: Vec<u8> = (0..n)
                .map(|_| if n % 2 == 0 { byte } else { rng.next() as u8 })
                .collect();
            input.splice(at..at, run);
        }
        // Delete a run.
        3 => {
            let end = (at + 1 + rng.below(16)).min(len);
            input.drain(at.min(end)..end);
        }
        // Duplicate a chunk somewhere else.
        4 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(64)).min(len);
            let chunk = input[start..end].to_vec();
            let to = rng.below(len + 1);
            input.splice(to..to, chunk);
        }
        // Splice: this input's start, another seed's end.
        5 => {
            let other = &seeds[rng.below(seeds.len())];
            let from = rng.below(other.len() + 1);
            input.truncate(at);
            input.extend_from_slice(&other[from..]);
        }
        // Truncate.
        6 => input.truncate(at),
        // Replace an ASCII digit with a token, or insert a token.
        7 => {
            let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
            let digits: Vec<usize> = (0..len).filter(|&i| input[i].is_ascii_digit()).collect();
            if digits.is_empty() {
                input.splice(at..at, token.iter().copied());
            } else {
                let i = digits[rng.below(digits.len())];
                input.splice(i..i + 1, token.iter().copied());
            }
        }
        // Replace a whole number with an extreme one, or change one digit.
        8 | 9 => {
            let spans = number_spans(input);
            if spans.is_empty() {
                return input.push(INTERESTING[rng.below(INTERESTING.len())]);
            }
            let span = spans[rng.below(spans.len())].clone();
            if rng.below(2) == 0 {
                input.splice(span, NUMBERS[rng.below(NUMBERS.len())].bytes());
            } else {
                let digit = span.start + rng.below(span.len());
                if input[digit].is_ascii_digit() {
                    input[digit] = b'0' + rng.below(10) as u8;
                }
            }
        }
        // Overwrite a little-endian integer with an extreme (Parquet
        // lengths, offsets and counts are such integers).
        _ if len >= 4 => {
            let start = rng.below(len - 3);
            let value: u32 = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF][rng.below(5)];
            input[start..start + 4].copy_from_slice(&value.to_le_bytes());
        }
        _ => input.push(INTERESTING[rng.below(INTERESTING.len())]),
    }
}
