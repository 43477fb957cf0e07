//! Size limits of an operation that async-graphql does not enforce itself: root fields,
//! aliases, the size of the document once its fragments are spread, and the bounds of every input
//! value (depth and complexity are the schema's own limits). Every check here costs one pass over
//! the text, the document or the variables, whatever they hold: they run before async-graphql's
//! validation and input parsing, whose cost or recursion a hostile document could blow up.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    ServerError, Variables,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use async_graphql_value::{ConstValue, Value};

use crate::domain::input::{InputLimits, InputValue, InputViolation, Node, Summary, Walk};

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
    /// Most selections a document may hold once its fragments are spread.
    pub max_expanded_selections: usize,
    /// Most tokens a document may hold (graphql-js's `maxTokens`).
    pub max_tokens: usize,
    /// Bounds of input values (arguments and variables).
    pub input: InputLimits,
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

/// Names the limit a refusal is about (`extensions.limit`, the option that sets it) and its
/// value (`extensions.max`), as the input bounds do.
fn limited(mut error: ServerError, limit: &str, max: usize) -> ServerError {
    let ext = error.extensions.get_or_insert_with(Default::default);
    ext.set("limit", limit);
    ext.set("max", max as u64);
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
    /// Tokens (names, numbers, strings, punctuators; not commas, blanks or comments), as
    /// graphql-js's `maxTokens` counts them: what parsing costs.
    tokens: usize,
}

/// Whether a byte continues a name or a number.
fn word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'+' | b'.')
}

/// One pass over the text; stops once nesting passes `max_nesting` or the tokens `max_tokens`.
fn scan(query: &str, max_nesting: usize, max_tokens: usize) -> Lexical {
    let bytes = query.as_bytes();
    let mut found = Lexical::default();
    let (mut depth, mut parens) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if found.tokens > max_tokens {
            return found;
        }
        let byte = bytes[i];
        if word_byte(byte) && !bytes[i..].starts_with(b"...") {
            // A name or a number: one token, however long.
            found.tokens += 1;
            while i < bytes.len() && word_byte(bytes[i]) && !bytes[i..].starts_with(b"...") {
                i += 1;
            }
            continue;
        }
        if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b',' | b'#') {
            found.tokens += 1;
        }
        if bytes[i..].starts_with(b"...") {
            i += 3;
            continue;
        }
        match byte {
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

/// What a selection set costs once its fragments are spread.
#[derive(Clone, Copy, Debug, Default)]
struct Cost {
    /// Selections (fields, inline fragments and spreads), counted as often as they are spread.
    size: usize,
    /// The deepest nesting of fields, fragments and spreads.
    depth: usize,
    /// async-graphql's complexity: every field but `__typename`, counted as often as spread.
    complexity: usize,
    /// async-graphql's depth: the deepest nesting of fields other than `__typename`.
    field_depth: usize,
    /// async-graphql's recursion depth: the deepest nesting of selection sets (a field's, a
    /// fragment's or an inline fragment's).
    recursion: usize,
}

/// What async-graphql measures of a document to enforce its limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Measures {
    /// Fields other than `__typename`, counted as often as they are spread.
    complexity: usize,
    /// The deepest nesting of such fields.
    depth: usize,
    /// The deepest nesting of selection sets.
    recursion: usize,
}

/// The nesting of selection sets async-graphql allows (its default, set on the schema
/// explicitly so that this check and the executor's cannot disagree).
pub const MAX_RECURSIVE_DEPTH: usize = 32;

/// Spreads a document's fragments in arithmetic only: each fragment's cost is computed once
/// (memoised), so 40 fragments that each spread the one before twice cost 40 steps here, not the
/// 2^40 that async-graphql's validation would spend visiting every expansion.
struct Expansion<'d> {
    doc: &'d ExecutableDocument,
    known: HashMap<&'d str, Cost>,
    open: HashSet<&'d str>,
    max_depth: usize,
    max_size: usize,
}

impl<'d> Expansion<'d> {
    fn too_deep(&self) -> ServerError {
        refuse(format!(
            "the document nests fields and fragments more than {} levels deep once its fragments are spread",
            self.max_depth
        ))
    }

    fn too_large(&self) -> ServerError {
        refuse(format!(
            "the document holds more than {} selections once its fragments are spread (--max-expanded-selections)",
            self.max_size
        ))
    }

    /// `descent` is how deep this set sits in the expansion being computed; the recursion ends
    /// at `max_depth`, so a chain of thousands of fragments cannot deepen the stack.
    fn set(&mut self, set: &'d SelectionSet, descent: usize) -> Result<Cost, ServerError> {
        if descent > self.max_depth {
            return Err(self.too_deep());
        }
        let mut cost = Cost::default();
        for item in &set.items {
            // As async-graphql's visitors count them (validation/visitors/complexity.rs and
            // depth.rs, schema.rs `check_recursive_depth`): `__typename` is not visited, a leaf
            // field's empty set is not entered, an unknown fragment adds nothing.
            let (inner, complexity, field_depth, recursion) = match &item.node {
                Selection::Field(f) => {
                    let inner = self.set(&f.node.selection_set.node, descent + 1)?;
                    let counted = usize::from(f.node.name.node != "__typename");
                    let leaf = f.node.selection_set.node.items.is_empty();
                    (
                        inner,
                        (inner.complexity + 1) * counted,
                        (inner.field_depth + 1) * counted,
                        if leaf { 0 } else { inner.recursion + 1 },
                    )
                }
                Selection::InlineFragment(fr) => {
                    let inner = self.set(&fr.node.selection_set.node, descent + 1)?;
                    (
                        inner,
                        inner.complexity,
                        inner.field_depth,
                        inner.recursion + 1,
                    )
                }
                Selection::FragmentSpread(spread) => {
                    match self.fragment(&spread.node.fragment_name.node, descent + 1)? {
                        Some(inner) => (
                            inner,
                            inner.complexity,
                            inner.field_depth,
                            inner.recursion + 1,
                        ),
                        None => (Cost::default(), 0, 0, 0),
                    }
                }
            };
            cost.complexity = cost.complexity.saturating_add(complexity);
            cost.field_depth = cost.field_depth.max(field_depth);
            cost.recursion = cost.recursion.max(recursion);
            cost.size = cost.size.saturating_add(inner.size).saturating_add(1);
            cost.depth = cost.depth.max(inner.depth + 1);
            if cost.size > self.max_size {
                return Err(self.too_large());
            }
        }
        Ok(cost)
    }

    /// A fragment's cost; `None` for an unknown one (the validator's to report).
    fn fragment(&mut self, name: &'d str, descent: usize) -> Result<Option<Cost>, ServerError> {
        if let Some(cost) = self.known.get(name) {
            if descent + cost.depth > self.max_depth {
                return Err(self.too_deep());
            }
            return Ok(Some(*cost));
        }
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Ok(None);
        };
        if !self.open.insert(name) {
            return Err(refuse(format!(
                "Cannot spread fragment \"{name}\" within itself."
            )));
        }
        let cost = self.set(&fragment.node.selection_set.node, descent)?;
        self.open.remove(name);
        self.known.insert(name, cost);
        Ok(Some(cost))
    }
}

impl InputValue for ConstValue {
    fn node(&self) -> Node<'_, Self> {
        match self {
            ConstValue::Object(map) => {
                Node::Object(map.iter().map(|(k, v)| (k.as_str(), v)).collect())
            }
            ConstValue::List(items) => Node::List(items),
            ConstValue::String(s) => Node::Text(s),
            _ => Node::Leaf,
        }
    }
}

impl InputValue for Value {
    fn node(&self) -> Node<'_, Self> {
        match self {
            Value::Object(map) => Node::Object(map.iter().map(|(k, v)| (k.as_str(), v)).collect()),
            Value::List(items) => Node::List(items),
            Value::String(s) => Node::Text(s),
            Value::Variable(name) => Node::Variable(name),
            _ => Node::Leaf,
        }
    }
}

/// A broken input rule as a `VALIDATION` error naming the path (and the limit, for a bound).
pub(crate) fn input_error(violation: InputViolation) -> ServerError {
    let mut error = ServerError::new(
        format!("invalid input at {}: {}", violation.path, violation.message),
        None,
    );
    let ext = error.extensions.get_or_insert_with(Default::default);
    ext.set("code", "VALIDATION");
    ext.set("field", violation.path);
    if let Some(limit) = violation.limit {
        ext.set("limit", limit);
    }
    if let Some(max) = violation.max {
        ext.set("max", max as u64);
    }
    error
}

/// Checks every argument of every field and directive in `set` and below.
fn check_arguments(
    limits: &InputLimits,
    set: &SelectionSet,
    variables: &HashMap<&str, Summary>,
    depth: usize,
) -> Result<(), ServerError> {
    // The text's nesting limit already bounds this recursion; this guard is for documents
    // that did not come from text.
    if depth > 256 {
        return Ok(());
    }
    let lookup = |name: &str| variables.get(name).copied();
    for item in &set.items {
        let (directives, inner) = match &item.node {
            Selection::Field(f) => {
                for (name, value) in &f.node.arguments {
                    Walk::check_limits(limits, &name.node, &value.node, &lookup)
                        .map_err(input_error)?;
                }
                (&f.node.directives, Some(&f.node.selection_set.node))
            }
            Selection::InlineFragment(fr) => {
                (&fr.node.directives, Some(&fr.node.selection_set.node))
            }
            Selection::FragmentSpread(spread) => (&spread.node.directives, None),
        };
        for directive in directives {
            for (name, value) in &directive.node.arguments {
                Walk::check_limits(limits, &name.node, &value.node, &lookup)
                    .map_err(input_error)?;
            }
        }
        if let Some(inner) = inner {
            check_arguments(limits, inner, variables, depth + 1)?;
        }
    }
    Ok(())
}

impl QueryLimits {
    /// Checks the text before it is parsed: nesting and aliases are counted lexically, so a
    /// hostile document costs one pass over its bytes.
    pub fn check_text(&self, query: &str) -> Result<(), ServerError> {
        let max_nesting = lexical_nesting_limit(self.max_depth);
        let lexical = scan(query, max_nesting, self.max_tokens);
        if lexical.tokens > self.max_tokens {
            return Err(refuse(format!(
                "the document holds more than {} tokens (--max-document-tokens); send large inputs as variables",
                self.max_tokens
            )));
        }
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

    /// async-graphql's measures of a document (complexity, depth, nesting of selection sets),
    /// computed with each fragment once; refuses a document too large or too deep to measure.
    fn measure(&self, doc: &ExecutableDocument) -> Result<Measures, ServerError> {
        let mut expansion = Expansion {
            doc,
            known: HashMap::new(),
            open: HashSet::new(),
            max_depth: lexical_nesting_limit(self.max_depth),
            max_size: self.max_expanded_selections,
        };
        // async-graphql's validation visits every operation and every fragment definition
        // with the fragments spread: their sum is its work.
        let mut total = 0usize;
        // Its limits are measured over every operation of the document, as it takes them.
        let mut measures = Measures::default();
        for (_, op) in doc.operations.iter() {
            let cost = expansion.set(&op.node.selection_set.node, 0)?;
            total = total.saturating_add(cost.size);
            measures.complexity = measures.complexity.saturating_add(cost.complexity);
            measures.depth = measures.depth.max(cost.field_depth);
            measures.recursion = measures.recursion.max(cost.recursion);
            if total > self.max_expanded_selections {
                return Err(expansion.too_large());
            }
        }
        for fragment in doc.fragments.values() {
            total = total.saturating_add(expansion.set(&fragment.node.selection_set.node, 0)?.size);
            if total > self.max_expanded_selections {
                return Err(expansion.too_large());
            }
        }
        Ok(measures)
    }

    /// Checks the parsed document: its size once fragments are spread, async-graphql's limits,
    /// root fields and aliases per operation.
    pub fn check_document(&self, doc: &ExecutableDocument) -> Result<(), ServerError> {
        let Measures {
            complexity,
            depth,
            recursion,
        } = self.measure(doc)?;
        // The executor would refuse these too (with terser messages); refusing them here means
        // an admitted query passes every check async-graphql makes, so direct reads may answer it
        // without a first run through the executor.
        if recursion > MAX_RECURSIVE_DEPTH {
            return Err(limited(
                refuse(format!(
                    "the query nests selection sets (fields, fragments and inline fragments) {recursion} levels deep; at most {MAX_RECURSIVE_DEPTH}"
                )),
                "max-selection-nesting",
                MAX_RECURSIVE_DEPTH,
            ));
        }
        if complexity > self.max_complexity {
            return Err(limited(
                refuse(format!(
                    "the query is too complex: it selects {complexity} fields once its fragments are spread (`__typename` aside), at most {} (--max-query-complexity)",
                    self.max_complexity
                )),
                "max-query-complexity",
                self.max_complexity,
            ));
        }
        if depth > self.max_depth {
            return Err(limited(
                refuse(format!(
                    "the query is nested too deep: fields nest {depth} levels, at most {} (--max-query-depth)",
                    self.max_depth
                )),
                "max-query-depth",
                self.max_depth,
            ));
        }
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

    /// Checks every input value of a request against the input limits: each variable on its
    /// own, then every argument in the document (a variable counts where it is used). Text
    /// with control characters is not refused here (a valid document may hold it): a field
    /// that writes refuses it when it runs (`graphql::mutation::Mutation`).
    pub fn check_input(
        &self,
        doc: &ExecutableDocument,
        variables: &Variables,
    ) -> Result<(), ServerError> {
        let limits = &self.input;
        let mut summaries = HashMap::with_capacity(variables.len());
        let names: Vec<String> = variables.keys().map(|name| format!("${name}")).collect();
        for ((name, value), root) in variables.iter().zip(&names) {
            let summary =
                Walk::check_limits(limits, root, value, &|_| None).map_err(input_error)?;
            summaries.insert(name.as_str(), summary);
        }
        for (_, op) in doc.operations.iter() {
            for def in &op.node.variable_definitions {
                if let Some(default) = &def.node.default_value {
                    Walk::check_limits(limits, &def.node.name.node, &default.node, &|_| None)
                        .map_err(input_error)?;
                }
            }
            check_arguments(limits, &op.node.selection_set.node, &summaries, 0)?;
        }
        for fragment in doc.fragments.values() {
            check_arguments(limits, &fragment.node.selection_set.node, &summaries, 0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(query: &str) -> usize {
        scan(query, 100, usize::MAX).nesting
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
        assert_eq!(scan(query, 100, usize::MAX).aliases, 2);
    }

    #[test]
    fn tokens_are_counted_as_graphql_js_counts_them() {
        let tokens = |q: &str| scan(q, 100, usize::MAX).tokens;
        assert_eq!(tokens("{ a }"), 3);
        assert_eq!(
            tokens("query Q($v: [Int!] = [1, 2]) { a(x: $v, s: \"a b c\") @d { ...F } } # c d e"),
            34
        );
        assert_eq!(tokens("{ a(f: -1.5e10) }"), 8);
        // Scanning stops once the limit is passed.
        assert_eq!(scan(&"a ".repeat(1_000_000), 100, 10).tokens, 11);
    }

    /// The measures computed here are async-graphql's own: for every document, the schema
    /// (built as the gateway builds it) accepts it at exactly the measured limits and refuses
    /// it one below each.
    #[tokio::test]
    async fn measures_are_the_ones_async_graphql_enforces() {
        const DOCUMENTS: &[&str] = &[
            "{ __typename }",
            "{ integrations { totalCount } }",
            "{ integrations { nodes { id code __typename runs { nodes { id status } } } } }",
            "query A { integrations { nodes { id } } } query B { integrationRuns { nodes { id integration { code } } } }",
            "{ integrationRuns { nodes { ...R ... on IntegrationRun { id ... { status } } } } } \
             fragment R on IntegrationRun { id integration { ...I } } fragment I on Integration { code name }",
            "{ a: integrationRuns { nodes { ...R } } b: integrationRuns { nodes { ...R } } } \
             fragment R on IntegrationRun { id integrationErrors { nodes { id responses { id } } } }",
            "{ integrationRuns { nodes { ... { ... { ... { ... { id } } } } } } }",
            "{ integrationRuns { nodes { id @skip(if: true) status @include(if: false) } } }",
            "{ __schema { types { name fields { name type { name ofType { name } } } } } }",
            "{ integrationRun(id: 1) { integration { runs { nodes { integration { runs { nodes { id } } } } } } } }",
        ];
        let unlimited = QueryLimits {
            max_depth: 100,
            max_complexity: usize::MAX,
            max_root_fields: 100,
            max_aliases: 100,
            disable_introspection: false,
            max_expanded_selections: 100_000,
            max_tokens: 100_000,
            input: InputLimits::default(),
        };
        // The schema's refusal of `text` with these limits, if it refuses for a limit.
        async fn refusal(
            text: &str,
            complexity: usize,
            depth: usize,
            recursion: usize,
        ) -> Option<String> {
            let schema = crate::graphql::builder()
                .limit_complexity(complexity)
                .limit_depth(depth)
                .limit_recursive_depth(recursion)
                .finish();
            let response = schema.execute(text).await;
            response.errors.into_iter().map(|e| e.message).find(|m| {
                m.contains("too complex")
                    || m.contains("nested too deep")
                    || m.contains("recursion depth")
            })
        }
        for text in DOCUMENTS {
            let doc = async_graphql::parser::parse_query(text).unwrap();
            let m = unlimited.measure(&doc).unwrap();
            let (c, d, r) = (m.complexity, m.depth, m.recursion);
            assert_eq!(refusal(text, c, d, r).await, None, "{text}: {m:?}");
            let over = |found: Option<String>, what: &str| {
                assert!(
                    found.as_deref().is_some_and(|m| m.contains(what)),
                    "{text}: {m:?} {found:?}"
                );
            };
            if *text == "{ __typename }" {
                assert_eq!(m, Measures::default());
                continue;
            }
            over(refusal(text, c - 1, d, r).await, "too complex");
            over(refusal(text, c, d - 1, r).await, "nested too deep");
            over(refusal(text, c, d, r - 1).await, "recursion depth");
        }
    }

    #[test]
    fn long_parser_messages_are_cut() {
        let long = ServerError::new("x".repeat(10_000), None);
        assert!(shorten(long).message.len() < 600);
    }
}
