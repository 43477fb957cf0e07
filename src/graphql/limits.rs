//! Size limits of an operation that async-graphql does not enforce itself: root fields and
//! aliases (depth and complexity are the schema's own limits).

use async_graphql::{
    ServerError,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// The limits of one operation.
#[derive(Clone, Copy, Debug)]
pub struct QueryLimits {
    /// Deepest selection nesting.
    pub max_depth: usize,
    /// Largest complexity (fields counted).
    pub max_complexity: usize,
    /// Most root fields per operation.
    pub max_root_fields: usize,
    /// Most aliases per document.
    pub max_aliases: usize,
    /// Whether introspection is off.
    pub disable_introspection: bool,
}

fn count_aliases(set: &SelectionSet, doc: &ExecutableDocument, depth: usize) -> usize {
    // Fragments can nest; the depth limit bounds the walk as the schema's own depth check would.
    if depth > 64 {
        return 0;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some())
                    + count_aliases(&f.node.selection_set.node, doc, depth + 1)
            }
            Selection::InlineFragment(fr) => {
                count_aliases(&fr.node.selection_set.node, doc, depth + 1)
            }
            Selection::FragmentSpread(spread) => doc
                .fragments
                .get(&spread.node.fragment_name.node)
                .map(|fr| count_aliases(&fr.node.selection_set.node, doc, depth + 1))
                .unwrap_or(0),
        })
        .sum()
}

fn refuse(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "VALIDATION");
    error
}

/// How deep `{`/`[` may nest in the text: generous next to the selection depth limit (inline
/// fragments and input objects nest too), far below what would strain the parser.
fn lexical_nesting_limit(max_depth: usize) -> usize {
    (max_depth * 4).max(64)
}

/// What a lexical pass over a document finds outside strings and comments.
#[derive(Debug, Default, PartialEq, Eq)]
struct Lexical {
    /// The deepest `{` / `[` nesting.
    nesting: usize,
    /// Colons outside parentheses: every alias, and nothing else (arguments, variable
    /// definitions and input values all sit inside parentheses).
    aliases: usize,
}

/// One pass over the text; stops counting nesting once it passes `max_nesting`.
fn scan(query: &str, max_nesting: usize) -> Lexical {
    let bytes = query.as_bytes();
    let mut found = Lexical::default();
    let (mut depth, mut parens) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                found.nesting = found.nesting.max(depth);
                if depth > max_nesting {
                    return found;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b':' if parens == 0 => found.aliases += 1,
            _ => {}
        }
        i += 1;
    }
    found
}

/// The parser quotes the offending line in its message; a huge one-line document would come
/// back whole, so long messages are cut.
pub fn shorten(mut error: ServerError) -> ServerError {
    const MAX: usize = 500;
    if error.message.len() > MAX {
        let mut end = MAX;
        while !error.message.is_char_boundary(end) {
            end -= 1;
        }
        error.message.truncate(end);
        error.message.push_str("… (truncated)");
    }
    error
}

impl QueryLimits {
    /// Checks the text before it is parsed: nesting and aliases are counted lexically, so a
    /// hostile document costs one pass over its bytes.
    pub fn check_text(&self, query: &str) -> Result<(), ServerError> {
        let max_nesting = lexical_nesting_limit(self.max_depth);
        let lexical = scan(query, max_nesting);
        if lexical.nesting > max_nesting {
            return Err(refuse(format!(
                "the operation is nested too deep: braces and brackets may nest at most {max_nesting} levels"
            )));
        }
        if lexical.aliases > self.max_aliases {
            return Err(refuse(format!(
                "an operation may use at most {} aliases ({} given)",
                self.max_aliases, lexical.aliases
            )));
        }
        Ok(())
    }

    /// Checks the parsed document: root fields and aliases per operation.
    pub fn check_document(&self, doc: &ExecutableDocument) -> Result<(), ServerError> {
        for (_, op) in doc.operations.iter() {
            let roots = op.node.selection_set.node.items.len();
            if roots > self.max_root_fields {
                return Err(refuse(format!(
                    "an operation may select at most {} root fields ({roots} given)",
                    self.max_root_fields
                )));
            }
            let aliases = count_aliases(&op.node.selection_set.node, doc, 0);
            if aliases > self.max_aliases {
                return Err(refuse(format!(
                    "an operation may use at most {} aliases ({aliases} given)",
                    self.max_aliases
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(query: &str) -> usize {
        scan(query, 100).nesting
    }

    #[test]
    fn nesting_is_counted_outside_strings_and_comments() {
        assert_eq!(nesting("{ a { b { c } } }"), 3);
        assert_eq!(nesting(r#"{ a(s: "{{{{{{") }"#), 1);
        assert_eq!(nesting("{ a(s: \"\"\"{{{{ \\\"\"\" {{{\"\"\") }"), 1);
        assert_eq!(nesting("{ a # {{{{{{\n }"), 1);
        assert_eq!(nesting("{ a(l: [[[1]]]) }"), 4);
        assert_eq!(nesting("}}}}{"), 1);
    }

    #[test]
    fn only_aliases_count_as_colons() {
        let query = r#"query($a: Int, $b: [String!]) { x: f(a: $a, o: {k: "v:w"}) { y: g @d(c: 1) h } # z: i
        }"#;
        assert_eq!(scan(query, 100).aliases, 2);
    }

    #[test]
    fn long_parser_messages_are_cut() {
        let long = ServerError::new("x".repeat(10_000), None);
        assert!(shorten(long).message.len() < 600);
    }
}
