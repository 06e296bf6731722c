//! Spells a checked portable pattern (spec §3.7) so RE2 (DuckDB, and the
//! `regex` crate of the interpreter) and PostgreSQL's ARE read it the same way.
//!
//! The engines disagree on `.` (ARE matches a newline with it) and on `\d \w
//! \s` (Unicode-aware in some engines, and ARE's `\s` includes more). So those
//! four are written out as explicit ASCII classes, and inside a class `\d \w
//! \s` as the members of theirs (`[\s_]` is `[\t\n\v\f\r _]`); everything
//! else in the subset already means the same in both.

/// `[^\n]`: any character but a newline.
const DOT: &str = r"[^\n]";
/// The members of `\d`, `\w` and `\s` (the ASCII whitespace of C's
/// `isspace`), for use inside a class.
const DIGIT: &str = "0-9";
const WORD: &str = "0-9A-Za-z_";
const SPACE: &str = r"\t\n\v\f\r ";

/// Rewrites `.`, `\d`, `\w` and `\s` outside classes; copies the rest.
pub fn portable(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else { break };
                let members = match next {
                    'd' => Some(DIGIT),
                    'w' => Some(WORD),
                    's' => Some(SPACE),
                    _ => None,
                };
                match members {
                    Some(m) if in_class => out.push_str(m),
                    Some(m) => {
                        out.push('[');
                        out.push_str(m);
                        out.push(']');
                    }
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            '.' if !in_class => out.push_str(DOT),
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A leading `^` negates; it is copied, never a class member.
                let rest = chars.as_str();
                if let Some(after) = rest.strip_prefix('^') {
                    out.push('^');
                    chars = after.chars();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// A [`portable`] pattern as Java's `java.util.regex` (Spark's `RLIKE`)
/// reads it the way RE2 does: `$` is `\z` (Java's `$` also matches before
/// a final line terminator), `\v` is `\x0B` (Java's `\v` is every vertical
/// space, U+0085 and U+2028 included), and `&` inside a class is escaped
/// (Java reads `&&` there as an intersection).
pub fn java(portable: &str) -> String {
    respell(portable, |c, in_class| match c {
        Piece::Escaped('v') => Some(r"\x0B"),
        Piece::Plain('$') if !in_class => Some(r"\z"),
        Piece::Plain('&') if in_class => Some(r"\&"),
        _ => None,
    })
}

/// A [`portable`] pattern as the interpreter's `regex` crate reads it the
/// way RE2 does: `&` and `~` inside a class are escaped (the crate reads
/// `&&` and `~~` there as intersection and symmetric difference; RE2, ARE
/// and escaped Java read plain characters).
pub fn rust(portable: &str) -> String {
    respell(portable, |c, in_class| match c {
        Piece::Plain('&') if in_class => Some(r"\&"),
        Piece::Plain('~') if in_class => Some(r"\~"),
        _ => None,
    })
}

/// One piece of a pattern: a character, or a character after `\`.
#[derive(Clone, Copy)]
enum Piece {
    Plain(char),
    Escaped(char),
}

/// Copies a [`portable`] pattern, writing what `spell` returns for a piece
/// (given whether it stands inside a class) instead of the piece itself.
/// The subset has no `[]`: a class ends at the next unescaped `]`.
fn respell(portable: &str, spell: impl Fn(Piece, bool) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(portable.len() + 8);
    let mut chars = portable.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        let piece = match c {
            '\\' => match chars.next() {
                Some(next) => Piece::Escaped(next),
                None => {
                    out.push('\\');
                    break;
                }
            },
            c => Piece::Plain(c),
        };
        if let Some(spelled) = spell(piece, in_class) {
            out.push_str(spelled);
            continue;
        }
        match piece {
            Piece::Escaped(next) => {
                out.push('\\');
                out.push(next);
            }
            Piece::Plain(c) => {
                match c {
                    '[' if !in_class => in_class = true,
                    ']' if in_class => in_class = false,
                    _ => {}
                }
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{java, portable, rust};

    #[test]
    fn the_interpreter_reads_class_operators_as_characters() {
        assert_eq!(rust(r"[a&&b]~~"), r"[a\&\&b]~~");
        assert_eq!(rust(r"[~~x\]]"), r"[\~\~x\]]");
        let re = ::regex::Regex::new(&rust(&portable("^[a&&b]$"))).unwrap();
        assert!(re.is_match("&") && re.is_match("a") && !re.is_match("c"));
    }

    #[test]
    fn spells_out_the_engine_dependent_pieces() {
        assert_eq!(portable(r"^\d{5}$"), "^[0-9]{5}$");
        assert_eq!(portable(r"a.b"), r"a[^\n]b");
        assert_eq!(portable(r"[.\]x]\."), r"[.\]x]\.");
        assert_eq!(portable(r"[^.]\w\s"), r"[^.][0-9A-Za-z_][\t\n\v\f\r ]");
        assert_eq!(portable("é+|(x)"), "é+|(x)");
        assert_eq!(portable(r"[\s_][^\d-]"), r"[\t\n\v\f\r _][^0-9-]");
    }

    #[test]
    fn java_reads_the_portable_spelling_as_re2_does() {
        assert_eq!(java(&portable(r"^\s$")), r"^[\t\n\x0B\f\r ]\z");
        assert_eq!(java(r"[a&&b]&\$\\v"), r"[a\&\&b]&\$\\v");
        assert_eq!(java(r"[\]$]$"), r"[\]$]\z");
    }
}
