//! Bounds on client input values, checked before anything parses them into types or turns them
//! into SQL: how deep objects and lists nest, how long lists are, how many values an `in` list
//! and how many branches `and`/`or`/`not` hold, how long a text pattern is, and which characters a
//! string may hold. The same walk serves GraphQL arguments and variables and REST bodies, so no
//! entry point can hand the rest of the server a value it cannot handle (async-graphql's
//! recursive input parsing overflowed a worker's stack on a filter nested 30 levels deep). A REST
//! body is held to every rule at once; GraphQL checks the bounds when a request is admitted and
//! the text rule when a field that writes runs, since a valid document may hold any text.
//!
//! Filter operators are recognised by their names (`in`, `notIn`, `and`, `or`, `not`,
//! `contains`, `startsWith`, `endsWith`): only filter input types have fields of these names (a
//! test over `schema.graphql` keeps it so).

use std::fmt::Write as _;

/// The limits a request's input values must stay within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputLimits {
    /// Deepest nesting of objects and lists in one value (an object or a list is one level).
    pub max_depth: usize,
    /// Most items in any list.
    pub max_list_items: usize,
    /// Most values in the `in` / `notIn` lists of one filter, all its lists together (each is
    /// a bound value of one statement).
    pub max_in_values: usize,
    /// Most `and`/`or` items and `not`s in one filter, counted over all its levels.
    pub max_filter_branches: usize,
    /// Longest `contains` / `startsWith` / `endsWith` text, in bytes.
    pub max_pattern_bytes: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        Self {
            max_depth: 20,
            max_list_items: 1000,
            max_in_values: 500,
            max_filter_branches: 100,
            max_pattern_bytes: 1000,
        }
    }
}

/// A limit an input value broke: which one, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputViolation {
    /// Where the value is: `filter.and[0].or[2]`, `$ids[3]`, `input.externalId`.
    pub path: String,
    /// The setting that bounds it (`max-input-depth`), when a setting does.
    pub limit: Option<&'static str>,
    /// The limit's value.
    pub max: Option<usize>,
    /// What is wrong, for a person.
    pub message: String,
}

/// Checks a text for characters that cannot be given back: control characters other than tab,
/// newline and carriage return (XML 1.0 cannot carry them at all, and they are never data).
pub fn printable(text: &str) -> Result<(), String> {
    match text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        None => Ok(()),
        Some((at, c)) => Err(format!(
            "holds the control character U+{:04X} at byte {at}; only tab, newline and carriage return are allowed",
            u32::from(c)
        )),
    }
}

/// One node of an input value, as the walk sees it.
#[derive(Debug)]
pub enum Node<'a, T> {
    /// An object: its fields in order.
    Object(Vec<(&'a str, &'a T)>),
    /// A list.
    List(&'a [T]),
    /// A string.
    Text(&'a str),
    /// A reference to a variable (GraphQL documents), summarised separately.
    Variable(&'a str),
    /// Anything else: numbers, booleans, enum values, null.
    Leaf,
}

/// A value the walk can look into.
pub trait InputValue: Sized {
    /// What this value is.
    fn node(&self) -> Node<'_, Self>;
}

impl InputValue for serde_json::Value {
    fn node(&self) -> Node<'_, Self> {
        match self {
            serde_json::Value::Object(map) => {
                Node::Object(map.iter().map(|(k, v)| (k.as_str(), v)).collect())
            }
            serde_json::Value::Array(items) => Node::List(items),
            serde_json::Value::String(s) => Node::Text(s),
            _ => Node::Leaf,
        }
    }
}

/// What a checked value contributes where it is used (a variable inside a literal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Its nesting (0 for a scalar).
    pub depth: usize,
    /// The filter branches inside it.
    pub branches: usize,
    /// The values of `in` / `notIn` lists inside it.
    pub in_values: usize,
    /// Its length when it is a list.
    pub list_len: Option<usize>,
    /// Its length in bytes when it is a string.
    pub text_len: Option<usize>,
}

/// One step of a path.
#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Walks one value (a GraphQL argument or variable, a REST body) against the limits.
#[derive(Debug)]
pub struct Walk<'a, 'l> {
    limits: &'l InputLimits,
    root: &'a str,
    path: Vec<Step<'a>>,
    branches: usize,
    in_values: usize,
    rules: Rules,
}

/// Which of the walk's rules apply (the nesting bound always does: it bounds the walk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rules {
    /// The limits and printable text: a REST body.
    All,
    /// The limits only: a GraphQL request at admission. graphql-js, the reference, takes any
    /// text in a valid document, so the text rule is not a request error there.
    Limits,
    /// Printable text only: the arguments of a GraphQL field that writes, when it runs.
    Texts,
}

/// The operator a key names, when it names one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operator {
    InList,
    Branches,
    Not,
    Pattern,
    Other,
}

fn operator_named(key: &str) -> Operator {
    match key {
        "in" | "notIn" => Operator::InList,
        "and" | "or" => Operator::Branches,
        "not" => Operator::Not,
        "contains" | "startsWith" | "endsWith" => Operator::Pattern,
        _ => Operator::Other,
    }
}

impl<'a, 'l> Walk<'a, 'l> {
    /// Checks `value`, named `root` in messages (`filter`, `$f`, `body`); `variable` tells what
    /// a variable the value refers to holds (it was checked on its own).
    pub fn check<T: InputValue>(
        limits: &'l InputLimits,
        root: &'a str,
        value: &'a T,
        variable: &dyn Fn(&str) -> Option<Summary>,
    ) -> Result<Summary, InputViolation> {
        Self::walk(Rules::All, limits, root, value, variable)
    }

    /// [`check`](Self::check) without the text rule.
    pub fn check_limits<T: InputValue>(
        limits: &'l InputLimits,
        root: &'a str,
        value: &'a T,
        variable: &dyn Fn(&str) -> Option<Summary>,
    ) -> Result<Summary, InputViolation> {
        Self::walk(Rules::Limits, limits, root, value, variable)
    }

    /// The text rule alone ([`printable`] for every string and key), for a value whose limits
    /// were checked before; `limits` still bounds the walk's depth.
    pub fn check_texts<T: InputValue>(
        limits: &'l InputLimits,
        root: &'a str,
        value: &'a T,
    ) -> Result<(), InputViolation> {
        Self::walk(Rules::Texts, limits, root, value, &|_| None).map(|_| ())
    }

    fn walk<T: InputValue>(
        rules: Rules,
        limits: &'l InputLimits,
        root: &'a str,
        value: &'a T,
        variable: &dyn Fn(&str) -> Option<Summary>,
    ) -> Result<Summary, InputViolation> {
        let mut walk = Walk {
            limits,
            root,
            path: Vec::new(),
            branches: 0,
            in_values: 0,
            rules,
        };
        let summary = walk.value(value, 0, Operator::Other, variable)?;
        Ok(Summary {
            branches: walk.branches,
            in_values: walk.in_values,
            ..summary
        })
    }

    fn path(&self) -> String {
        let mut path = self.root.to_owned();
        for step in &self.path {
            let _ = match step {
                Step::Key(key) if path.is_empty() => write!(path, "{key}"),
                Step::Key(key) => write!(path, ".{key}"),
                Step::Index(i) => write!(path, "[{i}]"),
            };
        }
        path
    }

    fn violation(&self, limit: &'static str, max: usize, message: String) -> InputViolation {
        InputViolation {
            path: self.path(),
            limit: Some(limit),
            max: Some(max),
            message,
        }
    }

    fn too_deep(&self) -> InputViolation {
        let max = self.limits.max_depth;
        self.violation(
            "max-input-depth",
            max,
            format!("objects and lists may nest at most {max} levels in one input value"),
        )
    }

    fn add_branches(&mut self, n: usize) -> Result<(), InputViolation> {
        if self.rules == Rules::Texts {
            return Ok(());
        }
        self.branches = self.branches.saturating_add(n);
        let max = self.limits.max_filter_branches;
        if self.branches > max {
            return Err(self.violation(
                "max-filter-branches",
                max,
                format!("a filter may combine at most {max} conditions with and/or/not"),
            ));
        }
        Ok(())
    }

    fn in_list(&mut self, len: usize) -> Result<(), InputViolation> {
        if self.rules == Rules::Texts {
            return Ok(());
        }
        self.in_values = self.in_values.saturating_add(len);
        let max = self.limits.max_in_values;
        if self.in_values > max {
            return Err(self.violation(
                "max-filter-in-values",
                max,
                format!(
                    "the in/notIn lists of one filter may hold at most {max} values together ({} given so far)",
                    self.in_values
                ),
            ));
        }
        Ok(())
    }

    fn pattern(&self, len: usize) -> Result<(), InputViolation> {
        let max = self.limits.max_pattern_bytes;
        if len > max && self.rules != Rules::Texts {
            return Err(self.violation(
                "max-filter-pattern-bytes",
                max,
                format!(
                    "a contains/startsWith/endsWith text may be at most {max} bytes ({len} given)"
                ),
            ));
        }
        Ok(())
    }

    /// `depth` counts the objects and lists around `value`; the recursion stops at the limit,
    /// so no value can make it deep.
    fn value<T: InputValue>(
        &mut self,
        value: &'a T,
        depth: usize,
        operator: Operator,
        variable: &dyn Fn(&str) -> Option<Summary>,
    ) -> Result<Summary, InputViolation> {
        match value.node() {
            Node::Object(fields) => {
                if depth + 1 > self.limits.max_depth {
                    return Err(self.too_deep());
                }
                if operator == Operator::Not {
                    self.add_branches(1)?;
                }
                let mut below = 0;
                for (key, field) in fields {
                    if self.rules != Rules::Limits
                        && let Err(message) = printable(key)
                    {
                        return Err(self.text_violation(format!("the key {key:?} {message}")));
                    }
                    self.path.push(Step::Key(key));
                    let inner = self.value(field, depth + 1, operator_named(key), variable)?;
                    self.path.pop();
                    below = below.max(inner.depth);
                }
                Ok(Summary {
                    depth: below + 1,
                    ..Summary::default()
                })
            }
            Node::List(items) => {
                if depth + 1 > self.limits.max_depth {
                    return Err(self.too_deep());
                }
                let max = self.limits.max_list_items;
                if items.len() > max && self.rules != Rules::Texts {
                    return Err(self.violation(
                        "max-input-list-items",
                        max,
                        format!(
                            "a list may hold at most {max} items ({} given)",
                            items.len()
                        ),
                    ));
                }
                match operator {
                    Operator::InList => self.in_list(items.len())?,
                    Operator::Branches => self.add_branches(items.len())?,
                    _ => {}
                }
                let mut below = 0;
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Step::Index(i));
                    let inner = self.value(item, depth + 1, Operator::Other, variable)?;
                    self.path.pop();
                    below = below.max(inner.depth);
                }
                Ok(Summary {
                    depth: below + 1,
                    list_len: Some(items.len()),
                    ..Summary::default()
                })
            }
            Node::Text(text) => {
                if self.rules != Rules::Limits
                    && let Err(message) = printable(text)
                {
                    return Err(self.text_violation(format!("the text {message}")));
                }
                if operator == Operator::Pattern {
                    self.pattern(text.len())?;
                }
                Ok(Summary {
                    text_len: Some(text.len()),
                    ..Summary::default()
                })
            }
            Node::Variable(name) => {
                // Unknown variables are the validator's to report.
                let Some(summary) = variable(name) else {
                    return Ok(Summary::default());
                };
                if depth + summary.depth > self.limits.max_depth {
                    return Err(self.too_deep());
                }
                self.add_branches(summary.branches)?;
                if summary.in_values > 0 {
                    self.in_list(summary.in_values)?;
                }
                match (operator, summary.list_len, summary.text_len) {
                    (Operator::InList, Some(len), _) => self.in_list(len)?,
                    (Operator::Branches, Some(len), _) => self.add_branches(len)?,
                    (Operator::Not, _, _) if summary.depth > 0 => self.add_branches(1)?,
                    (Operator::Pattern, _, Some(len)) => self.pattern(len)?,
                    _ => {}
                }
                Ok(summary)
            }
            Node::Leaf => Ok(Summary::default()),
        }
    }

    fn text_violation(&self, message: String) -> InputViolation {
        InputViolation {
            path: self.path(),
            limit: None,
            max: None,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(value: &serde_json::Value) -> Result<Summary, InputViolation> {
        Walk::check(&InputLimits::default(), "filter", value, &|_| None)
    }

    fn nested(levels: usize, key: &str) -> serde_json::Value {
        let mut value = json!({"id": {"eq": 1}});
        for _ in 0..levels {
            value = if key == "not" {
                json!({ key: value })
            } else {
                json!({ key: [value] })
            };
        }
        value
    }

    #[test]
    fn nesting_is_counted_by_objects_and_lists_and_stops_at_the_limit() {
        // {"and": [ … {"id": {"eq": 1}} ]}: two levels per `and`, two for the leaf filter.
        assert_eq!(check(&nested(9, "and")).unwrap().depth, 20);
        let error = check(&nested(10, "and")).unwrap_err();
        assert_eq!(error.limit, Some("max-input-depth"));
        assert!(
            error.path.starts_with("filter.and[0].and[0]"),
            "{}",
            error.path
        );
        // A million levels cost no more than the limit's worth of recursion.
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!([deep]);
        }
        assert_eq!(check(&deep).unwrap_err().limit, Some("max-input-depth"));
    }

    #[test]
    fn filter_operators_are_counted() {
        let many: Vec<_> = (0..501).collect();
        let error = check(&json!({"id": {"in": many}})).unwrap_err();
        assert_eq!(error.limit, Some("max-filter-in-values"));
        assert_eq!(error.path, "filter.id.in");
        let branches: Vec<_> = (0..101).map(|i| json!({"id": {"eq": i}})).collect();
        let error = check(&json!({ "or": branches })).unwrap_err();
        assert_eq!(error.limit, Some("max-filter-branches"));
        // Branches add up over levels.
        let fifty: Vec<_> = (0..50).map(|i| json!({"id": {"eq": i}})).collect();
        assert!(check(&json!({"and": [{"or": fifty.clone()}, {"or": fifty.clone()}]})).is_err());
        assert!(check(&json!({"or": fifty})).is_ok());
        // In-list values add up over the lists of one filter (one statement's bound values).
        let ids: Vec<_> = (0..600).collect();
        let error = check(&json!({"or": [{"id": {"in": ids.clone()}}, {"id": {"notIn": ids}}]}))
            .unwrap_err();
        assert_eq!(error.limit, Some("max-filter-in-values"));
        let error = check(&json!({"code": {"contains": "x".repeat(1001)}})).unwrap_err();
        assert_eq!(error.limit, Some("max-filter-pattern-bytes"));
    }

    #[test]
    fn long_lists_are_refused_wherever_they_are() {
        let items: Vec<_> = (0..1001).collect();
        let error = check(&json!({ "inputs": items })).unwrap_err();
        assert_eq!(error.limit, Some("max-input-list-items"));
    }

    #[test]
    fn control_characters_are_refused_in_texts_and_keys() {
        assert!(printable("tab\tnewline\ncr\r ünïcödé ✓").is_ok());
        for bad in [
            "nul\u{0}",
            "bell\u{7}",
            "esc\u{1b}[0m",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert!(printable(bad).is_err(), "{bad:?}");
        }
        let error = check(&json!({"message": "a\u{0}b"})).unwrap_err();
        assert_eq!(error.path, "filter.message");
        assert_eq!(error.limit, None);
        assert!(check(&json!({"a\u{1}": 1})).is_err());
    }
}
