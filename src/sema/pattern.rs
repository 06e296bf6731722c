//! The portable regex subset of spec §3.7: patterns every backend (RE2,
//! PostgreSQL ARE, Java, the interpreter) runs identically. Anything else is
//! rejected at check time, not by a warehouse later.

/// Nested groups allowed in one pattern (keeps the checker's recursion shallow).
const MAX_GROUP_DEPTH: usize = 32;

/// The largest bound of `{m,n}`: PostgreSQL refuses more than 255
/// (`RE_DUP_MAX`).
const MAX_REPEAT: u32 = 255;

/// The largest product of nested counted repetitions, as in `(a{10}){100}`:
/// RE2 (DuckDB, ClickHouse, BigQuery) refuses more than 1000.
const MAX_NESTED_REPEAT: u32 = 1000;

/// Checks a pattern; the error says which piece is outside the subset.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut checker = Checker { chars, at: 0 };
    checker.alternation(0)?;
    match checker.peek() {
        None => Ok(()),
        Some(')') => Err("`)` has no matching `(`".into()),
        Some(c) => Err(format!("unexpected `{c}`")),
    }
}

struct Checker {
    chars: Vec<char>,
    at: usize,
}

impl Checker {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Returns the largest product of nested counted repetitions inside.
    fn alternation(&mut self, depth: usize) -> Result<u32, String> {
        let mut most = self.concat(depth)?;
        while self.peek() == Some('|') {
            self.at += 1;
            most = most.max(self.concat(depth)?);
        }
        Ok(most)
    }

    fn concat(&mut self, depth: usize) -> Result<u32, String> {
        let mut most = 1;
        while let Some(c) = self.peek() {
            let mut inner = 1;
            let quantifiable = match c {
                '|' | ')' => return Ok(most),
                '(' => {
                    if depth >= MAX_GROUP_DEPTH {
                        return Err(format!("groups nest deeper than {MAX_GROUP_DEPTH}"));
                    }
                    self.at += 1;
                    if self.peek() == Some('?') {
                        return Err("`(?…)` groups (lookaround, flags, non-capturing) are not portable".into());
                    }
                    inner = self.alternation(depth + 1)?;
                    if self.peek() != Some(')') {
                        return Err("`(` is not closed".into());
                    }
                    self.at += 1;
                    true
                }
                '[' => {
                    self.class()?;
                    true
                }
                '^' | '$' => {
                    self.at += 1;
                    false
                }
                '\\' => {
                    self.escape(false)?;
                    true
                }
                '*' | '+' | '?' => return Err(format!("`{c}` has nothing before it to repeat")),
                '{' => return Err("`{` starts a repetition only after something to repeat; write `\\{` for the character".into()),
                _ => {
                    self.at += 1;
                    true
                }
            };
            if let Some(count) = self.quantifier()? {
                if !quantifiable {
                    return Err(format!("`{c}` cannot be repeated"));
                }
                if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
                    return Err("a repetition cannot be repeated or made lazy/possessive (`*?`, `++`): engines differ".into());
                }
                inner = inner.saturating_mul(count);
                if inner > MAX_NESTED_REPEAT {
                    return Err(format!(
                        "nested repetitions multiply to {inner}; RE2 engines refuse more than {MAX_NESTED_REPEAT}"
                    ));
                }
            }
            most = most.max(inner);
        }
        Ok(most)
    }

    /// Consumes a quantifier if one follows: the count it multiplies by for
    /// nesting (1 for `* + ?`, which engines do not count; the largest bound
    /// of `{m}`, `{m,}`, `{m,n}`, each at most [`MAX_REPEAT`]).
    fn quantifier(&mut self) -> Result<Option<u32>, String> {
        match self.peek() {
            Some('*' | '+' | '?') => {
                self.at += 1;
                Ok(Some(1))
            }
            Some('{') => {
                let close = self.chars[self.at..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("`{` is not closed; write `\\{` for the character")?;
                let body: String = self.chars[self.at + 1..self.at + close].iter().collect();
                let (m, n) = match body.split_once(',') {
                    Some((m, n)) => (m, Some(n)),
                    None => (body.as_str(), None),
                };
                let number = |s: &str| {
                    s.parse::<u32>()
                        .ok()
                        .filter(|v| *v <= MAX_REPEAT)
                        .ok_or_else(|| format!("`{{{body}}}` needs whole numbers up to {MAX_REPEAT} (PostgreSQL's limit)"))
                };
                let low = number(m)?;
                let mut count = low;
                if let Some(n) = n.filter(|n| !n.is_empty()) {
                    count = number(n)?;
                    if count < low {
                        return Err(format!("`{{{body}}}`: the maximum is below the minimum"));
                    }
                }
                self.at += close + 1;
                Ok(Some(count.max(1)))
            }
            _ => Ok(None),
        }
    }

    /// `\d \w \s` and escaped ASCII punctuation.
    fn escape(&mut self, in_class: bool) -> Result<(), String> {
        self.at += 1;
        let c = self
            .peek()
            .ok_or("the pattern ends with a lone backslash")?;
        self.at += 1;
        match c {
            // Inside a class they add their ASCII set (spec §3.7), so they
            // cannot end a range: `[\d-z]` means different things per engine.
            'd' | 'w' | 's'
                if in_class
                    && self.peek() == Some('-')
                    && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') =>
            {
                Err(format!("`\\{c}` cannot start a range; write `-` first or last in the class"))
            }
            'd' | 'w' | 's' => Ok(()),
            c if c.is_ascii_punctuation() => Ok(()),
            c => Err(format!(
                "`\\{c}` is not in the portable subset (only \\d \\w \\s and escaped punctuation are)"
            )),
        }
    }

    /// `[...]` or `[^...]`: characters, ranges and escaped punctuation.
    fn class(&mut self) -> Result<(), String> {
        self.at += 1;
        if self.peek() == Some('^') {
            self.at += 1;
        }
        let mut items = 0;
        loop {
            match self.peek() {
                None => return Err("`[` is not closed".into()),
                Some(']') if items > 0 => {
                    self.at += 1;
                    return Ok(());
                }
                Some(']') => return Err("an empty class `[]`; write `\\]` for the character".into()),
                Some('[') => return Err("`[` inside a class (such as [[:alpha:]]) is not portable; write `\\[` for the character".into()),
                Some('\\') => self.escape(true)?,
                Some(_) => {
                    let low = self.chars[self.at];
                    self.at += 1;
                    if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                        let high = self.chars[self.at + 1];
                        if high == '\\' || high == '[' {
                            return Err("a range must end in a plain character".into());
                        }
                        if high < low {
                            return Err(format!("the range `{low}-{high}` is backwards"));
                        }
                        self.at += 2;
                    }
                }
            }
            items += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_pattern;

    #[test]
    fn accepts_the_subset() {
        for p in [
            r"^\d{5}$",
            r"a.b*c+d?",
            r"(ab|cd){2,3}",
            r"[a-z0-9_\-]+@x\.com",
            r"[^ ]",
            "é+",
            r"\w\s\.",
            "x{2,}",
            r"[\d]",
            r"[\s_-]",
            r"[^\w\s]",
            "(a{10}){100}",
        ] {
            assert_eq!(check_pattern(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn rejects_the_rest() {
        for p in [
            r"\bword",
            r"(?i)x",
            r"(?=a)",
            r"a*?",
            r"\1",
            "[[:alpha:]]",
            r"[\d-z]",
            "x{256}",
            "(a{100}){11}",
            "(a",
            "a)",
            "*a",
            "[z-a]",
            "a{5,2}",
            r"\p{L}",
            "{3}",
        ] {
            assert!(check_pattern(p).is_err(), "{p}");
        }
    }
}
