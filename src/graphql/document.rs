//! One parser. Every document is parsed once, by apollo-compiler's parser (the one the validator
//! judges, exact to the spec's grammar: `\u{…}` escapes, surrogate pairs), and the tree
//! async-graphql executes is converted from that parse instead of being parsed again by
//! async-graphql's own parser, which disagreed with the spec on those cases.
//!
//! The September 2025 spec lets operations, fragments and variable definitions carry a
//! description (graphql-js 16 reads them); apollo-parser 0.8 does not yet. A description in an
//! executable document has no effect on validation or execution (the spec says removing it
//! changes nothing), so [`without_descriptions`] blanks them out, character for character,
//! before parsing: every position in the document stays where it was. The conversion is total: definitions that are not executable, duplicate names and
//! several anonymous operations are kept or dropped here without a word, because validation
//! refuses such a document before anything executes it.

use std::collections::HashMap;

use apollo_compiler::ast;
use async_graphql::{
    Name, Pos, Positioned,
    parser::types::{
        BaseType, Directive, DocumentOperations, ExecutableDocument, Field, FragmentDefinition,
        FragmentSpread, InlineFragment, OperationDefinition, OperationType, Selection,
        SelectionSet, Type, TypeCondition, VariableDefinition,
    },
};
use async_graphql_value::{ConstValue, Number, Value};

/// Byte offsets to one-based lines and columns (columns in characters, as async-graphql's own
/// parser counted them).
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for (i, byte) in bytes.iter().enumerate() {
            // A line ends at \n, \r\n or a lone \r (the spec's LineTerminator).
            if *byte == b'\n' || (*byte == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Self { text, starts }
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|start| *start <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(0, |s| s.chars().count());
        Pos {
            line,
            column: column + 1,
        }
    }
}

/// Converts apollo-compiler's parse of `text` into async-graphql's executable document.
pub fn executable(text: &str, document: &ast::Document) -> ExecutableDocument {
    let cx = Convert {
        lines: Lines::new(text),
    };
    let mut operations: Option<DocumentOperations> = None;
    let mut fragments = HashMap::new();
    for definition in &document.definitions {
        match definition {
            ast::Definition::OperationDefinition(op) => {
                let converted = cx.operation(op);
                operations = Some(match (operations, &op.name) {
                    (None, None) => DocumentOperations::Single(converted),
                    (None, Some(name)) => {
                        DocumentOperations::Multiple(HashMap::from([(cx.name(name), converted)]))
                    }
                    (Some(DocumentOperations::Multiple(mut map)), Some(name)) => {
                        map.entry(cx.name(name)).or_insert(converted);
                        DocumentOperations::Multiple(map)
                    }
                    // Anonymous beside another operation: invalid (LoneAnonymousOperation).
                    (Some(kept), _) => kept,
                });
            }
            ast::Definition::FragmentDefinition(fragment) => {
                fragments
                    .entry(cx.name(&fragment.name))
                    .or_insert_with(|| cx.fragment(fragment));
            }
            // Type system definitions are invalid here (ExecutableDefinitions).
            _ => {}
        }
    }
    ExecutableDocument {
        operations: operations.unwrap_or_else(|| DocumentOperations::Multiple(HashMap::new())),
        fragments,
    }
}

struct Convert<'t> {
    lines: Lines<'t>,
}

impl Convert<'_> {
    fn at(&self, location: Option<apollo_compiler::parser::SourceSpan>) -> Pos {
        location.map_or(Pos { line: 0, column: 0 }, |span| {
            self.lines.pos(span.offset())
        })
    }

    fn node_pos<T>(&self, node: &apollo_compiler::Node<T>) -> Pos {
        self.at(node.location())
    }

    fn positioned<T, U>(&self, node: &apollo_compiler::Node<T>, value: U) -> Positioned<U> {
        Positioned::new(value, self.node_pos(node))
    }

    fn name(&self, name: &apollo_compiler::Name) -> Name {
        Name::new(name.as_str())
    }

    fn positioned_name(&self, name: &apollo_compiler::Name) -> Positioned<Name> {
        Positioned::new(self.name(name), self.at(name.location()))
    }

    fn operation(
        &self,
        op: &apollo_compiler::Node<ast::OperationDefinition>,
    ) -> Positioned<OperationDefinition> {
        let pos = self.node_pos(op);
        self.positioned(
            op,
            OperationDefinition {
                ty: match op.operation_type {
                    ast::OperationType::Query => OperationType::Query,
                    ast::OperationType::Mutation => OperationType::Mutation,
                    ast::OperationType::Subscription => OperationType::Subscription,
                },
                variable_definitions: op.variables.iter().map(|var| self.variable(var)).collect(),
                directives: self.directives(&op.directives),
                selection_set: self.selection_set(&op.selection_set, pos),
            },
        )
    }

    fn fragment(
        &self,
        fragment: &apollo_compiler::Node<ast::FragmentDefinition>,
    ) -> Positioned<FragmentDefinition> {
        let pos = self.node_pos(fragment);
        self.positioned(
            fragment,
            FragmentDefinition {
                type_condition: self.type_condition(&fragment.type_condition),
                directives: self.directives(&fragment.directives),
                selection_set: self.selection_set(&fragment.selection_set, pos),
            },
        )
    }

    /// A type condition, positioned at its `on` as async-graphql's parser positions it.
    fn type_condition(&self, on: &apollo_compiler::Name) -> Positioned<TypeCondition> {
        let name = self.positioned_name(on);
        let pos = on
            .location()
            .and_then(|span| {
                let before = self.lines.text.get(..span.offset())?;
                let trimmed = before.trim_end_matches([' ', '\t', '\n', '\r', ',']);
                trimmed
                    .strip_suffix("on")
                    .map(|rest| self.lines.pos(rest.len()))
            })
            .unwrap_or(name.pos);
        Positioned::new(TypeCondition { on: name }, pos)
    }

    fn variable(
        &self,
        var: &apollo_compiler::Node<ast::VariableDefinition>,
    ) -> Positioned<VariableDefinition> {
        self.positioned(
            var,
            VariableDefinition {
                name: self.positioned_name(&var.name),
                var_type: self.positioned(&var.ty, ty(&var.ty)),
                directives: self.directives(&var.directives),
                default_value: var
                    .default_value
                    .as_ref()
                    .map(|value| self.positioned(value, const_value(value))),
            },
        )
    }

    fn directives(&self, list: &ast::DirectiveList) -> Vec<Positioned<Directive>> {
        list.iter()
            .map(|directive| {
                self.positioned(
                    directive,
                    Directive {
                        name: self.positioned_name(&directive.name),
                        arguments: self.arguments(&directive.arguments),
                    },
                )
            })
            .collect()
    }

    fn arguments(
        &self,
        arguments: &[apollo_compiler::Node<ast::Argument>],
    ) -> Vec<(Positioned<Name>, Positioned<Value>)> {
        arguments
            .iter()
            .map(|argument| {
                (
                    self.positioned_name(&argument.name),
                    self.positioned(&argument.value, value(&argument.value)),
                )
            })
            .collect()
    }

    /// A selection set; apollo-compiler keeps no position for the braces, so the set takes its
    /// owner's (the field, fragment or operation it belongs to).
    fn selection_set(&self, items: &[ast::Selection], owner: Pos) -> Positioned<SelectionSet> {
        Positioned::new(
            SelectionSet {
                items: items.iter().map(|item| self.selection(item)).collect(),
            },
            owner,
        )
    }

    fn selection(&self, item: &ast::Selection) -> Positioned<Selection> {
        match item {
            ast::Selection::Field(field) => {
                let pos = self.node_pos(field);
                let converted = self.positioned(
                    field,
                    Field {
                        alias: field.alias.as_ref().map(|a| self.positioned_name(a)),
                        name: self.positioned_name(&field.name),
                        arguments: self.arguments(&field.arguments),
                        directives: self.directives(&field.directives),
                        selection_set: self.selection_set(&field.selection_set, pos),
                    },
                );
                Positioned::new(Selection::Field(converted), pos)
            }
            ast::Selection::FragmentSpread(spread) => {
                let pos = self.node_pos(spread);
                let converted = self.positioned(
                    spread,
                    FragmentSpread {
                        fragment_name: self.positioned_name(&spread.fragment_name),
                        directives: self.directives(&spread.directives),
                    },
                );
                Positioned::new(Selection::FragmentSpread(converted), pos)
            }
            ast::Selection::InlineFragment(inline) => {
                let pos = self.node_pos(inline);
                let converted = self.positioned(
                    inline,
                    InlineFragment {
                        type_condition: inline
                            .type_condition
                            .as_ref()
                            .map(|on| self.type_condition(on)),
                        directives: self.directives(&inline.directives),
                        selection_set: self.selection_set(&inline.selection_set, pos),
                    },
                );
                Positioned::new(Selection::InlineFragment(converted), pos)
            }
        }
    }
}

/// A type reference.
fn ty(t: &ast::Type) -> Type {
    match t {
        ast::Type::Named(name) => Type {
            base: BaseType::Named(Name::new(name.as_str())),
            nullable: true,
        },
        ast::Type::NonNullNamed(name) => Type {
            base: BaseType::Named(Name::new(name.as_str())),
            nullable: false,
        },
        ast::Type::List(inner) => Type {
            base: BaseType::List(Box::new(ty(inner))),
            nullable: true,
        },
        ast::Type::NonNullList(inner) => Type {
            base: BaseType::List(Box::new(ty(inner))),
            nullable: false,
        },
    }
}

/// A number literal as async-graphql's parser read it: an integer within 64 bits as one, any
/// other as a float (validation refuses an `Int` out of range before anything reads it).
fn number(text: &str) -> Number {
    text.parse::<i64>()
        .map(Number::from)
        .ok()
        .or_else(|| text.parse::<f64>().ok().and_then(Number::from_f64))
        .unwrap_or_else(|| Number::from(0))
}

fn value(v: &ast::Value) -> Value {
    match v {
        ast::Value::Null => Value::Null,
        ast::Value::Enum(name) => Value::Enum(Name::new(name.as_str())),
        ast::Value::Variable(name) => Value::Variable(Name::new(name.as_str())),
        ast::Value::String(text) => Value::String(text.clone()),
        ast::Value::Float(f) => Value::Number(number(f.as_str())),
        ast::Value::Int(i) => Value::Number(number(i.as_str())),
        ast::Value::Boolean(b) => Value::Boolean(*b),
        ast::Value::List(items) => Value::List(items.iter().map(|item| value(item)).collect()),
        ast::Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, field)| (Name::new(name.as_str()), value(field)))
                .collect(),
        ),
    }
}

/// A default value; a variable in one is invalid (validation refuses it) and reads as null.
fn const_value(v: &ast::Value) -> ConstValue {
    value(v).into_const().unwrap_or(ConstValue::Null)
}

/// What a token of the lexical pass is, as far as finding descriptions needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    /// A string or block string, and its byte range.
    Text(usize, usize),
    /// A name or a number.
    Word(usize, usize),
    /// A punctuator.
    Punct(u8),
}

/// The tokens of `text` (comments, blanks and commas skipped), as far as the first byte that is
/// none of them (the parser will report it).
fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                let start = i;
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i = (i + 3).min(bytes.len());
                out.push(Token::Text(start, i));
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.push(Token::Text(start, i));
            }
            b'.' => {
                out.push(Token::Punct(b'.'));
                i += if bytes[i..].starts_with(b"...") { 3 } else { 1 };
            }
            _ if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'+') => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'-' | b'+' | b'.'))
                    && !bytes[i..].starts_with(b"...")
                {
                    i += 1;
                }
                out.push(Token::Word(start, i));
            }
            b'!' | b'$' | b'&' | b'(' | b')' | b':' | b'=' | b'@' | b'[' | b']' | b'{' | b'|'
            | b'}' => {
                out.push(Token::Punct(byte));
                i += 1;
            }
            _ => break,
        }
    }
    out
}

/// `text` with the descriptions of its operations, fragments and variable definitions blanked
/// out (each character a space, line breaks kept, so positions do not move); borrowed when it
/// has none. A string anywhere else (an argument, a default value) is a value and stays, and so
/// does a string before a shorthand query `{ … }`, which the grammar refuses a description.
pub fn without_descriptions(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('"') {
        return std::borrow::Cow::Borrowed(text);
    }
    let tokens = tokens(text);
    let mut blank = Vec::new();
    // Nesting of `{`, `[` and `(`.
    let (mut braces, mut brackets, mut parens) = (0usize, 0usize, 0usize);
    for (i, token) in tokens.iter().enumerate() {
        match *token {
            Token::Punct(b'{') => braces += 1,
            Token::Punct(b'}') => braces = braces.saturating_sub(1),
            Token::Punct(b'[') => brackets += 1,
            Token::Punct(b']') => brackets = brackets.saturating_sub(1),
            Token::Punct(b'(') => parens += 1,
            Token::Punct(b')') => parens = parens.saturating_sub(1),
            Token::Text(start, end) if braces == 0 && brackets == 0 => {
                let next = tokens.get(i + 1);
                let previous = i.checked_sub(1).map(|p| tokens[p]);
                let described = match (parens, next) {
                    // Before an operation or a fragment definition.
                    (0, Some(Token::Word(s, e))) => matches!(
                        &text[*s..*e],
                        "query" | "mutation" | "subscription" | "fragment"
                    ),
                    // Before a variable definition (not a default value's string: that one
                    // follows `=`, or `:` inside an object).
                    (1, Some(Token::Punct(b'$'))) => !matches!(
                        previous,
                        Some(Token::Punct(b'=')) | Some(Token::Punct(b':'))
                    ),
                    _ => false,
                };
                if described {
                    blank.push((start, end));
                }
            }
            _ => {}
        }
    }
    if blank.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in blank {
        out.push_str(&text[at..start]);
        out.extend(text[start..end].chars().map(|c| match c {
            '\n' | '\r' => c,
            _ => ' ',
        }));
        at = end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_of_definitions_are_blanked_and_nothing_else() {
        let cases = [
            (
                "\"op\" query Q(\"v\" $a: String = \"x\" \"\"\"w\n\"\"\" $b: [String] = [\"y\"], $c: In = {k: \"z\"}) @d(s: \"t\") { f(s: \"u\") }\n\"\"\"frag\"\"\" fragment F on T { g }",
                "     query Q(    $a: String = \"x\"     \n    $b: [String] = [\"y\"], $c: In = {k: \"z\"}) @d(s: \"t\") { f(s: \"u\") }\n           fragment F on T { g }",
            ),
            // Shorthand: no description allowed, so the string stays for the parser to refuse.
            ("\"d\" { a }", "\"d\" { a }"),
            (
                "# \"q\" query\n{ a(s: \"query\") }",
                "# \"q\" query\n{ a(s: \"query\") }",
            ),
            ("\"é\" mutation { a }", "    mutation { a }"),
        ];
        for (text, expected) in cases {
            assert_eq!(without_descriptions(text), expected, "{text}");
            assert_eq!(
                without_descriptions(text).chars().count(),
                text.chars().count()
            );
        }
        assert!(matches!(
            without_descriptions("{ a(s: \"q\") }"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    fn convert(text: &str) -> ExecutableDocument {
        let ast = apollo_compiler::parser::Parser::new()
            .parse_ast(text, "t.graphql")
            .unwrap();
        executable(text, &ast)
    }

    /// Selection sets' own positions (their braces), which apollo-compiler does not keep and
    /// async-graphql reads only for its nesting limit, whose check the gateway makes first.
    fn erase_set_positions(doc: &mut ExecutableDocument) {
        fn set(s: &mut Positioned<SelectionSet>) {
            s.pos = Pos::default();
            for item in &mut s.node.items {
                match &mut item.node {
                    Selection::Field(f) => set(&mut f.node.selection_set),
                    Selection::InlineFragment(f) => set(&mut f.node.selection_set),
                    Selection::FragmentSpread(_) => {}
                }
            }
        }
        match &mut doc.operations {
            DocumentOperations::Single(op) => set(&mut op.node.selection_set),
            DocumentOperations::Multiple(ops) => ops
                .values_mut()
                .for_each(|op| set(&mut op.node.selection_set)),
        }
        doc.fragments
            .values_mut()
            .for_each(|f| set(&mut f.node.selection_set));
    }

    /// The tree as text, operations and fragments by name (their maps have no order).
    fn canonical(doc: &ExecutableDocument) -> String {
        let operations: std::collections::BTreeMap<String, String> = doc
            .operations
            .iter()
            .map(|(name, op)| (format!("{name:?}"), format!("{op:?}")))
            .collect();
        let fragments: std::collections::BTreeMap<String, String> = doc
            .fragments
            .iter()
            .map(|(name, f)| (name.to_string(), format!("{f:?}")))
            .collect();
        format!("{operations:?} {fragments:?}")
    }

    /// The conversion gives what async-graphql's own parser gives, positions included, on
    /// documents both parse.
    #[test]
    fn the_tree_is_the_one_async_graphqls_parser_builds() {
        for text in [
            "{ a }",
            "query Q($v: [Int!]! = [1, 2], $w: String @deprecated) @d(x: 1) {\n  alias: f(a: $v, b: {c: \"s\", d: [ENUM, null, 1.5, -3, true]}) @skip(if: false) {\n    ...F\n    ... on T @include(if: $w) { g }\n    ... { h }\n  }\n}\nfragment F on T @d { i(j: \"\"\"block\n  text\"\"\") }",
            "mutation M { a } subscription S { b } query { c }",
            "query A { a } query B { b }",
            "{ e: a(s: \"ünï\") { b }\r\n c d }",
            "{ a(n: 9007199254740993, f: 1.5e300, g: -12) }",
        ] {
            let mut ours = convert(text);
            erase_set_positions(&mut ours);
            match async_graphql::parser::parse_query(text) {
                Ok(mut theirs) => {
                    erase_set_positions(&mut theirs);
                    assert_eq!(canonical(&ours), canonical(&theirs), "{text}")
                }
                // An anonymous operation beside others: both refuse it, ours at validation.
                Err(_) => assert!(text.contains("query { c }"), "{text}"),
            }
        }
    }

    #[test]
    fn what_only_the_spec_parser_reads_is_converted() {
        let doc = convert("query Q { a(s: \"\\u{1F600} \\uD83D\\uDE00\") }");
        let DocumentOperations::Multiple(ops) = &doc.operations else {
            panic!("named")
        };
        let op = &ops[&Name::new("Q")].node;
        let Selection::Field(field) = &op.selection_set.node.items[0].node else {
            panic!("field")
        };
        assert_eq!(
            field.node.arguments[0].1.node,
            Value::String("😀 😀".to_owned())
        );
        assert_eq!(
            field.node.name.pos,
            Pos {
                line: 1,
                column: 11
            }
        );
        // A lone carriage return ends a line (the spec's LineTerminator; pest did not count it).
        let doc = convert("{ a\r b }");
        let DocumentOperations::Single(op) = &doc.operations else {
            panic!("anonymous")
        };
        assert_eq!(
            op.node.selection_set.node.items[1].pos,
            Pos { line: 2, column: 2 }
        );
    }
}
