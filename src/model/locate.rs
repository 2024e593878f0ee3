//! Finds where a field sits in a RON file, so that a rule broken by a value that
//! parsed fine (a warning lead longer than the idle timeout, a duplicate name)
//! can still be reported as `file:line:column`.
//!
//! This is a forgiving scanner over RON's syntax, used only on text that serde
//! already accepted; anything it does not understand gives `None`.

/// One step into a value: a named field, or the n-th item of a list or tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seg {
    Field(&'static str),
    Index(usize),
}

pub type FieldPath = Vec<Seg>;

/// The 1-based line and column of `path` in `src`: the field's name for a
/// field, the item's first character for an index.
pub fn locate(src: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut cursor = Cursor {
        s: src.as_bytes(),
        i: 0,
        depth: 0,
    };
    cursor.skip_attributes();
    let at = cursor.find(path)?;
    Some(line_col(src, at))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = &src.as_bytes()[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, column)
}

/// Deeper than this and the scanner gives up (serde would have refused it anyway).
const MAX_DEPTH: usize = 128;

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_trivia();
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn skip_trivia(&mut self) {
        loop {
            while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                self.i += 1;
            }
            if self.s[self.i.min(self.s.len())..].starts_with(b"//") {
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.i += 1;
                }
            } else if self.s[self.i.min(self.s.len())..].starts_with(b"/*") {
                self.i += 2;
                let mut nesting = 1;
                while nesting > 0 && self.i < self.s.len() {
                    let rest = &self.s[self.i..];
                    if rest.starts_with(b"/*") {
                        nesting += 1;
                        self.i += 2;
                    } else if rest.starts_with(b"*/") {
                        nesting -= 1;
                        self.i += 2;
                    } else {
                        self.i += 1;
                    }
                }
            } else {
                return;
            }
        }
    }

    /// `#![enable(...)]` lines at the top of a file.
    fn skip_attributes(&mut self) {
        loop {
            self.skip_trivia();
            if !self.s[self.i..].starts_with(b"#![") {
                return;
            }
            while self.peek().is_some_and(|b| b != b']') {
                self.i += 1;
            }
            self.i += 1;
        }
    }

    fn ident(&mut self) -> Option<&str> {
        self.skip_trivia();
        let start = self.i;
        if self.s[self.i..].starts_with(b"r#") {
            self.i += 2;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i]).ok()
    }

    /// Whether the next tokens are `ident :` (a named field), without moving.
    fn at_named_field(&mut self) -> bool {
        let save = self.i;
        let named = self.ident().is_some() && {
            self.skip_trivia();
            self.peek() == Some(b':') && self.s.get(self.i + 1) != Some(&b':')
        };
        self.i = save;
        named
    }

    /// Finds `path` inside the value at the cursor; moves past the value when not found.
    fn find(&mut self, path: &[Seg]) -> Option<usize> {
        self.skip_trivia();
        if path.is_empty() {
            return Some(self.i);
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let found = match self.peek()? {
            b'[' => {
                self.i += 1;
                self.items(path, b']', false)
            }
            b'(' => {
                self.i += 1;
                self.group(path, false)
            }
            b'{' => {
                self.i += 1;
                self.map(path)
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                self.ident();
                if self.eat(b'(') {
                    self.group(path, true)
                } else {
                    None
                }
            }
            _ => {
                self.skip_scalar();
                None
            }
        };
        self.depth -= 1;
        found
    }

    /// The inside of `( ... )`: named fields, or items (transparent when the
    /// group follows a name, as in `Some(x)` or `Generated([...])`).
    fn group(&mut self, path: &[Seg], named_group: bool) -> Option<usize> {
        self.skip_trivia();
        if self.at_named_field() {
            return self.fields(path);
        }
        self.items(path, b')', named_group)
    }

    fn fields(&mut self, path: &[Seg]) -> Option<usize> {
        loop {
            self.skip_trivia();
            if self.peek() == Some(b')') || self.peek().is_none() {
                self.i += 1;
                return None;
            }
            let key_at = self.i;
            let key = self.ident()?.to_string();
            if !self.eat(b':') {
                return None;
            }
            if wants_field(path, &key) {
                if path.len() == 1 {
                    return Some(key_at);
                }
                return self.find(&path[1..]);
            }
            self.skip_value()?;
            if !self.eat(b',') {
                self.eat(b')');
                return None;
            }
        }
    }

    fn items(&mut self, path: &[Seg], close: u8, transparent: bool) -> Option<usize> {
        let mut n = 0;
        loop {
            self.skip_trivia();
            if self.peek() == Some(close) || self.peek().is_none() {
                self.i += 1;
                return None;
            }
            if transparent && n == 0 {
                if let Some(found) = self.find(path) {
                    return Some(found);
                }
            } else {
                match path.first() {
                    Some(&Seg::Index(i)) if i == n => {
                        if path.len() == 1 {
                            self.skip_trivia();
                            return Some(self.i);
                        }
                        return self.find(&path[1..]);
                    }
                    _ => self.skip_value()?,
                }
            }
            n += 1;
            if !self.eat(b',') {
                self.eat(close);
                return None;
            }
        }
    }

    fn map(&mut self, path: &[Seg]) -> Option<usize> {
        loop {
            self.skip_trivia();
            if self.peek() == Some(b'}') || self.peek().is_none() {
                self.i += 1;
                return None;
            }
            let key_at = self.i;
            let key_start = self.i;
            self.skip_value()?;
            let key = String::from_utf8_lossy(&self.s[key_start..self.i])
                .trim_matches('"')
                .to_string();
            if !self.eat(b':') {
                return None;
            }
            if wants_field(path, &key) {
                if path.len() == 1 {
                    return Some(key_at);
                }
                return self.find(&path[1..]);
            }
            self.skip_value()?;
            if !self.eat(b',') {
                self.eat(b'}');
                return None;
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        const NOWHERE: [Seg; 1] = [Seg::Index(usize::MAX)];
        let start = self.i;
        let _ = self.find(&NOWHERE);
        (self.i > start).then_some(())
    }

    /// Strings, raw strings, chars, numbers, and anything else up to a delimiter.
    fn skip_scalar(&mut self) {
        match self.peek() {
            Some(b'"') => {
                self.i += 1;
                while let Some(b) = self.peek() {
                    self.i += 1;
                    match b {
                        b'\\' => self.i += 1,
                        b'"' => return,
                        _ => {}
                    }
                }
            }
            Some(b'r') if matches!(self.s.get(self.i + 1), Some(b'#' | b'"')) => {
                self.i += 1;
                let mut hashes = 0;
                while self.peek() == Some(b'#') {
                    hashes += 1;
                    self.i += 1;
                }
                self.i += 1; // opening quote
                let mut end = vec![b'"'];
                end.extend(std::iter::repeat_n(b'#', hashes));
                while self.i < self.s.len() && !self.s[self.i..].starts_with(&end) {
                    self.i += 1;
                }
                self.i += end.len();
            }
            Some(b'\'') => {
                self.i += 1;
                while let Some(b) = self.peek() {
                    self.i += 1;
                    match b {
                        b'\\' => self.i += 1,
                        b'\'' => return,
                        _ => {}
                    }
                }
            }
            _ => {
                let start = self.i;
                while self.peek().is_some_and(|b| {
                    !matches!(b, b',' | b')' | b']' | b'}' | b':') && !b.is_ascii_whitespace()
                }) {
                    self.i += 1;
                }
                if self.i == start {
                    self.i += 1;
                }
            }
        }
    }
}

/// Whether the first step of `path` is the field `key`.
fn wants_field(path: &[Seg], key: &str) -> bool {
    matches!(path.first(), Some(Seg::Field(want)) if *want == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"// a comment
Scenario(
    name: "x", /* inline ( */
    population: Generated([(profile: "office", users: 200), (profile: "b", users: 3)]),
    policies: [
        Policy(name: "A"),
        Policy(
            name: "B",
            warning: Some(Warning(lead: "40m")),
        ),
    ],
)
"#;

    #[test]
    fn finds_fields_items_and_nested_options() {
        use Seg::*;
        assert_eq!(locate(SRC, &[Field("name")]), Some((3, 5)));
        assert_eq!(locate(SRC, &[Field("policies"), Index(1)]), Some((7, 9)));
        assert_eq!(
            locate(SRC, &[Field("policies"), Index(1), Field("name")]),
            Some((8, 13))
        );
        assert_eq!(
            locate(
                SRC,
                &[Field("policies"), Index(1), Field("warning"), Field("lead")]
            ),
            Some((9, 35))
        );
        assert_eq!(
            locate(SRC, &[Field("population"), Index(1), Field("users")]),
            Some((4, 76))
        );
        assert_eq!(locate(SRC, &[Field("missing")]), None);
        assert_eq!(locate(SRC, &[Field("policies"), Index(5)]), None);
    }
}
