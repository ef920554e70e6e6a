//! A reader for the subset of EDN that Jepsen histories use: nil, booleans,
//! whole numbers, strings, keywords, symbols, lists, vectors, maps and sets,
//! with `;` comments and commas as white space. Tagged values (`#inst "…"`)
//! keep their value; `#_` discards the next form.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Edn {
    Nil,
    Bool(bool),
    Int(i64),
    /// A number that is not a whole number that fits in 64 bits, as written.
    Num(String),
    Str(String),
    Keyword(String),
    Symbol(String),
    /// A list, a vector or a set.
    Seq(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
}

impl Edn {
    /// The value under the keyword `:key` of a map.
    pub fn get(&self, key: &str) -> Option<&Edn> {
        match self {
            Edn::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| matches!(k, Edn::Keyword(name) if name == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn keyword(&self) -> Option<&str> {
        match self {
            Edn::Keyword(name) => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Edn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edn::Nil => write!(f, "nil"),
            Edn::Bool(b) => write!(f, "{b}"),
            Edn::Int(n) => write!(f, "{n}"),
            Edn::Num(s) | Edn::Symbol(s) => write!(f, "{s}"),
            Edn::Str(s) => write!(f, "{s:?}"),
            Edn::Keyword(k) => write!(f, ":{k}"),
            Edn::Seq(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    write!(f, "{}{item}", if i > 0 { " " } else { "" })?;
                }
                write!(f, "]")
            }
            Edn::Map(pairs) => {
                write!(f, "{{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    write!(f, "{}{k} {v}", if i > 0 { ", " } else { "" })?;
                }
                write!(f, "}}")
            }
        }
    }
}

/// A reading error, with the 1-based line it happened on.
#[derive(Clone, Debug, PartialEq)]
pub struct EdnError {
    pub line: usize,
    pub message: String,
}

/// Nesting deeper than this is refused (no stack overflow on hostile input).
const MAX_DEPTH: usize = 64;

/// Reads EDN forms one after another from a text.
pub struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The line the reader is on (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, EdnError> {
        Err(EdnError {
            line: self.line,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    /// Skips white space, commas and comments.
    pub fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if b == b';' {
                while let Some(c) = self.peek() {
                    if c == b'\n' {
                        break;
                    }
                    self.bump();
                }
            } else if b.is_ascii_whitespace() || b == b',' {
                self.bump();
            } else {
                break;
            }
        }
    }

    /// True when only white space and comments are left.
    pub fn at_end(&mut self) -> bool {
        self.skip_space();
        self.peek().is_none()
    }

    /// Skips the opening bracket of a top-level list or vector, if there is
    /// one, so its items can be read one at a time. Returns the closing
    /// bracket to expect.
    pub fn open_seq(&mut self) -> Option<u8> {
        self.skip_space();
        let close = match self.peek()? {
            b'[' => b']',
            b'(' => b')',
            _ => return None,
        };
        self.bump();
        Some(close)
    }

    /// True (and consumes it) if the next thing is `close`.
    pub fn close(&mut self, close: u8) -> bool {
        self.skip_space();
        if self.peek() == Some(close) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Reads one form.
    pub fn read(&mut self) -> Result<Edn, EdnError> {
        self.read_at(0)
    }

    fn read_at(&mut self, depth: usize) -> Result<Edn, EdnError> {
        if depth > MAX_DEPTH {
            return self.error(format!("nested more than {MAX_DEPTH} deep"));
        }
        self.skip_space();
        let Some(b) = self.peek() else {
            return self.error("the text ends where a value was expected");
        };
        match b {
            b'[' | b'(' => {
                self.bump();
                let close = if b == b'[' { b']' } else { b')' };
                Ok(Edn::Seq(self.read_items(close, depth)?))
            }
            b'{' => {
                self.bump();
                let items = self.read_items(b'}', depth)?;
                if items.len() % 2 != 0 {
                    return self.error("a map has a key without a value");
                }
                let mut pairs = Vec::with_capacity(items.len() / 2);
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                Ok(Edn::Map(pairs))
            }
            b'#' => {
                self.bump();
                match self.peek() {
                    Some(b'{') => {
                        self.bump();
                        Ok(Edn::Seq(self.read_items(b'}', depth)?))
                    }
                    Some(b'_') => {
                        self.bump();
                        self.read_at(depth + 1)?;
                        self.read_at(depth + 1)
                    }
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.token(); // the tag
                        self.read_at(depth + 1)
                    }
                    _ => self.error("'#' is not followed by '{', '_' or a tag"),
                }
            }
            b'"' => self.string(),
            b']' | b')' | b'}' => self.error(format!("unexpected '{}'", b as char)),
            b':' => {
                self.bump();
                let name = self.token();
                if name.is_empty() {
                    return self.error("a ':' without a keyword name");
                }
                Ok(Edn::Keyword(name))
            }
            b'\\' => {
                self.bump();
                let name = self.token();
                let c = match name.as_str() {
                    "newline" => "\n".to_string(),
                    "space" => " ".to_string(),
                    "tab" => "\t".to_string(),
                    "" => match self.bump() {
                        Some(c) => (c as char).to_string(),
                        None => return self.error("a '\\' at the end of the text"),
                    },
                    other => other.to_string(),
                };
                Ok(Edn::Str(c))
            }
            _ => {
                let token = self.token();
                if token.is_empty() {
                    self.bump();
                    return self.error(format!("unexpected character '{}'", b as char));
                }
                Ok(atom(token))
            }
        }
    }

    fn read_items(&mut self, close: u8, depth: usize) -> Result<Vec<Edn>, EdnError> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    return self.error(format!(
                        "the text ends before the closing '{}'",
                        close as char
                    ))
                }
                Some(c) if c == close => {
                    self.bump();
                    return Ok(items);
                }
                Some(_) => items.push(self.read_at(depth + 1)?),
            }
        }
    }

    fn token(&mut self) -> String {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b",;()[]{}\"".contains(&b) {
                break;
            }
            self.bump();
        }
        String::from_utf8_lossy(&self.text[start..self.pos]).into_owned()
    }

    fn string(&mut self) -> Result<Edn, EdnError> {
        self.bump(); // the opening quote
        let mut bytes = Vec::new();
        loop {
            match self.bump() {
                None => return self.error("a string is not closed"),
                Some(b'"') => break,
                Some(b'\\') => match self.bump() {
                    Some(b'n') => bytes.push(b'\n'),
                    Some(b't') => bytes.push(b'\t'),
                    Some(b'r') => bytes.push(b'\r'),
                    Some(c) => bytes.push(c),
                    None => return self.error("a string is not closed"),
                },
                Some(c) => bytes.push(c),
            }
        }
        Ok(Edn::Str(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

fn atom(token: String) -> Edn {
    match token.as_str() {
        "nil" => Edn::Nil,
        "true" => Edn::Bool(true),
        "false" => Edn::Bool(false),
        _ => {
            let first = token.as_bytes()[0];
            let numeric = first.is_ascii_digit()
                || ((first == b'-' || first == b'+')
                    && token.as_bytes().get(1).is_some_and(u8::is_ascii_digit));
            if numeric {
                let digits = token.trim_end_matches('N');
                match digits.parse::<i64>() {
                    Ok(n) => Edn::Int(n),
                    Err(_) => Edn::Num(token),
                }
            } else {
                Edn::Symbol(token)
            }
        }
    }
}

/// Reads every form of a text.
pub fn read_all(text: &str) -> Result<Vec<Edn>, EdnError> {
    let mut reader = Reader::new(text);
    let mut forms = Vec::new();
    while !reader.at_end() {
        forms.push(reader.read()?);
    }
    Ok(forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jepsen_ops() {
        let forms = read_all(
            "; a comment\n[{:process 4, :type :invoke, :f :cas, :value [1 2]}\n {:process :nemesis :type :info :value #{:n1} :s \"a \\\"q\\\"\"}]",
        )
        .unwrap();
        let Edn::Seq(ops) = &forms[0] else { panic!() };
        assert_eq!(ops[0].get("process"), Some(&Edn::Int(4)));
        assert_eq!(ops[0].get("f").and_then(Edn::keyword), Some("cas"));
        assert_eq!(
            ops[0].get("value"),
            Some(&Edn::Seq(vec![Edn::Int(1), Edn::Int(2)]))
        );
        assert_eq!(ops[1].get("s"), Some(&Edn::Str("a \"q\"".into())));
    }

    #[test]
    fn errors_name_the_line() {
        let err = read_all("[1 2\n 3 {:a}").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(read_all(
            "(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1"
        )
        .is_err());
        assert!(read_all("\"open").is_err());
        assert!(read_all("}").is_err());
    }
}
