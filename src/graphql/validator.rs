//! The spec's validation of every request, in front of async-graphql's: apollo-compiler (Apollo's
//! GraphQL compiler in Rust, the one its router validates with) judges each document against the
//! schema's own SDL — every rule of the spec's section 5 — and coerces the variables of the chosen
//! operation (CoerceVariableValues), as graphql-js does. async-graphql's validation accepted
//! documents the spec refuses (an enum value written as a string, a nullable variable in a non-null
//! position, an input object naming a field twice) and ran them.
//!
//! Its parse is the only one: the tree async-graphql executes is converted from it
//! (`document.rs`). A document's verdict is kept with that tree in the gateway's document cache,
//! so a known document is not parsed or validated again; variables are coerced on every request.

use std::sync::Arc;

use apollo_compiler::{
    ExecutableDocument, Node, Schema, ast,
    executable::{DirectiveList, Selection, SelectionSet},
    parser::LineColumn,
    parser::Parser,
    response::{GraphQLError, JsonMap, JsonValue},
    validation::{DiagnosticList, Valid},
};
use async_graphql::{Pos, ServerError, Variables};

/// The schema, as the validator knows it.
#[derive(Debug)]
pub struct Validator {
    schema: Valid<Schema>,
}

/// A document the validator accepted.
pub type ValidDocument = Arc<Valid<ExecutableDocument>>;

/// A position in the document, as async-graphql writes it.
fn pos(at: LineColumn) -> Pos {
    Pos {
        line: at.line,
        column: at.column,
    }
}

/// A request error with `code`, its positions and, when known, the input `field` it is about.
fn coded_error(
    message: String,
    locations: Vec<Pos>,
    code: &str,
    field: Option<String>,
) -> ServerError {
    let mut error = ServerError::new(message, None);
    error.locations = locations;
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    if let Some(field) = field {
        extensions.set("field", field);
    }
    error
}

/// A `VALIDATION` request error.
fn validation_error(message: String, locations: Vec<Pos>, field: Option<String>) -> ServerError {
    coded_error(message, locations, "VALIDATION", field)
}

/// Turns an apollo-compiler error into a request error with `code`.
fn request_error(error: GraphQLError, code: &str) -> ServerError {
    let locations = error.locations.iter().map(|at| pos(*at)).collect();
    coded_error(error.message, locations, code, None)
}

fn request_errors(list: &DiagnosticList, code: &str) -> Vec<ServerError> {
    list.iter()
        .map(|d| request_error(d.to_json(), code))
        .collect()
}

impl Validator {
    /// The validator of the schema whose SDL is `sdl`.
    pub fn new(sdl: &str) -> Result<Self, String> {
        // apollo-compiler's introspection types predate OneOf input objects; async-graphql
        // answers `__Type.isOneOf`, and GraphiQL's introspection query asks for it.
        let sdl = format!("{sdl}\nextend type __Type {{ isOneOf: Boolean }}\n");
        let schema = Schema::parse_and_validate(sdl, "schema.graphql")
            .map_err(|e| format!("the schema does not validate: {}", e.errors))?;
        Ok(Self { schema })
    }

    /// Parses a document (the gateway's one parse: `document.rs` converts it for the
    /// executor): `PARSE_ERROR`s when its syntax is wrong.
    pub fn parse(&self, text: &str) -> Result<ast::Document, Vec<ServerError>> {
        // The gateway's lexical checks bound the text before this (tokens, nesting).
        Parser::new()
            .parse_ast(text, "request.graphql")
            .map_err(|e| request_errors(&e.errors, "PARSE_ERROR"))
    }

    /// Validates a parsed document: `VALIDATION` errors when it breaks a rule.
    pub fn validate(&self, ast: &ast::Document) -> Result<ValidDocument, Vec<ServerError>> {
        let (document, mut errors) = match ast.to_executable_validate(&self.schema) {
            Ok(document) => (document.into_inner(), Vec::new()),
            Err(e) => {
                // apollo-compiler's single-root-field rule counts selections rather than
                // response keys and refuses any @skip/@include at the root (a later draft of the
                // spec); graphql-js's rule collects fields first: replaced below.
                let errors: Vec<ServerError> = request_errors(&e.errors, "VALIDATION")
                    .into_iter()
                    .filter(|error| {
                        !error.message.contains("can only have one root field")
                            && !error
                                .message
                                .contains("can not specify @skip or @include on root fields")
                    })
                    .collect();
                if !errors.is_empty() {
                    return Err(errors);
                }
                (e.partial, errors)
            }
        };
        // The rules graphql-js has and apollo-compiler lacks (or words otherwise).
        single_root_field(&document, &mut errors);
        unique_input_fields(&document, &mut errors);
        max_introspection_depth(&document, &mut errors);
        nested_variable_positions(&self.schema, &document, &mut errors);
        if errors.is_empty() {
            // Every rule passed: apollo-compiler's own, bar the one replaced above.
            Ok(Arc::new(Valid::assume_valid(document)))
        } else {
            Err(errors)
        }
    }

    /// Picks the request's operation and coerces its variables, as the spec's
    /// ExecuteRequest does before anything runs.
    pub fn request(
        &self,
        document: &ValidDocument,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> Result<(), Vec<ServerError>> {
        let operation = document.operations.get(operation_name).map_err(|_| {
            let message = match operation_name {
                Some(name) => format!("Unknown operation named \"{name}\"."),
                None => {
                    "Must provide operation name if query contains multiple operations.".to_owned()
                }
            };
            vec![validation_error(message, Vec::new(), None)]
        })?;
        let values: JsonMap = variables
            .iter()
            .map(|(name, value)| (name.as_str().into(), json(value)))
            .collect();
        apollo_compiler::request::coerce_variable_values(&self.schema, operation, &values)
            .map_err(|e| {
                let error = e.to_graphql_error(&document.sources);
                let field = field_named(&error.message);
                let locations = error.locations.iter().map(|at| pos(*at)).collect();
                vec![validation_error(error.message, locations, field)]
            })?;
        // apollo-compiler leaves custom scalars to the server and predates OneOf input objects;
        // graphql-js runs the scalar's parser and checks OneOf while coercing.
        for definition in &operation.variables {
            if let Some(value) = values.get(definition.name.as_str()) {
                let mut path = format!("${}", definition.name);
                custom_scalars(&self.schema, &definition.ty, value, &mut path).map_err(|path| {
                    let message = format!(
                        "Variable \"${}\" got an invalid value at \"{path}\"; {VALUE_HINT}",
                        definition.name
                    );
                    vec![validation_error(message, Vec::new(), Some(path))]
                })?;
            }
        }
        Ok(())
    }
}

/// A variable's value as apollo-compiler reads it. Built directly: through `serde_json::Value`
/// it was two trees and their allocations on every request. (Values are bounded in depth and
/// size before they get here: `limits.rs`.)
fn json(value: &async_graphql::Value) -> JsonValue {
    use async_graphql::Value;
    match value {
        Value::Null => JsonValue::Null,
        Value::Number(number) => JsonValue::Number(number.clone()),
        Value::String(text) => JsonValue::String(text.as_str().into()),
        Value::Boolean(flag) => JsonValue::Bool(*flag),
        // As async-graphql serializes bytes (JSON variables never hold any; uploads do).
        Value::Binary(bytes) => JsonValue::Array(bytes.iter().map(|b| (*b).into()).collect()),
        Value::Enum(name) => JsonValue::String(name.as_str().into()),
        Value::List(items) => JsonValue::Array(items.iter().map(json).collect()),
        Value::Object(fields) => JsonValue::Object(
            fields
                .iter()
                .map(|(name, value)| (name.as_str().into(), json(value)))
                .collect(),
        ),
    }
}

/// What a `DateTime` must look like.
const DATE_TIME_HINT: &str = "a DateTime is an RFC 3339 time such as 2026-01-31T12:00:00Z";

/// What the variable checks below refuse.
const VALUE_HINT: &str = "a DateTime is an RFC 3339 time such as 2026-01-31T12:00:00Z, and a OneOf input object names exactly one field, not null";

/// Whether `text` is a `DateTime` as async-graphql reads one.
fn date_time(text: &str) -> bool {
    text.parse::<chrono::DateTime<chrono::Utc>>().is_ok()
}

/// Checks the `DateTime`s and OneOf input objects in a variable's value along its type (what
/// apollo-compiler's coercion leaves out); the path of the first that is wrong. The value was bounded (limits.rs) and coerced by apollo-compiler (shapes match).
fn custom_scalars(
    schema: &Schema,
    ty: &ast::Type,
    value: &apollo_compiler::response::JsonValue,
    path: &mut String,
) -> Result<(), String> {
    use apollo_compiler::response::JsonValue;
    if value.is_null() {
        return Ok(());
    }
    if ty.is_list() {
        let item = ty.item_type();
        return match value {
            JsonValue::Array(items) => {
                for (i, entry) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    custom_scalars(schema, item, entry, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            single => custom_scalars(schema, item, single, path),
        };
    }
    let named = ty.inner_named_type();
    if named == "DateTime" {
        return match value {
            JsonValue::String(text) if date_time(text.as_str()) => Ok(()),
            _ => Err(path.clone()),
        };
    }
    if let (Some(object), JsonValue::Object(fields)) = (schema.get_input_object(named), value) {
        // A OneOf object given in a variable: exactly one entry, not null.
        if object.directives.has("oneOf")
            && (fields.len() != 1 || fields.values().any(JsonValue::is_null))
        {
            return Err(path.clone());
        }
        for (key, inner) in fields.iter() {
            if let Some(field) = object.fields.get(key.as_str()) {
                let len = path.len();
                path.push('.');
                path.push_str(key.as_str());
                custom_scalars(schema, &field.ty, inner, path)?;
                path.truncate(len);
            }
        }
    }
    Ok(())
}

/// Writes the integral JSON numbers of the variables as integers: JSON has one number type, and
/// graphql-js (JavaScript) takes `1.0` or `1e2` for an `Int` as the integer it is; serde reads
/// them as floats, which an `Int` refuses. A `Float` takes either form.
pub fn integral_numbers(variables: &mut Variables) {
    /// Within ±2^53 every integer is exactly a double.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    fn walk(value: &mut async_graphql::Value) {
        match value {
            async_graphql::Value::Number(number) if number.is_f64() => {
                if let Some(float) = number.as_f64()
                    && float.fract() == 0.0
                    && float.abs() <= EXACT
                {
                    *number = serde_json::Number::from(float as i64);
                }
            }
            async_graphql::Value::List(items) => items.iter_mut().for_each(walk),
            async_graphql::Value::Object(fields) => fields.values_mut().for_each(walk),
            _ => {}
        }
    }
    // The input bounds have been checked (limits.rs), so this recursion is shallow.
    for value in variables.values_mut() {
        walk(value);
    }
}

/// A `VALIDATION` error at `node`'s position.
fn error_at<T>(document: &ExecutableDocument, node: &Node<T>, message: String) -> ServerError {
    let locations = node
        .line_column_range(&document.sources)
        .map(|range| vec![pos(range.start)])
        .unwrap_or_default();
    validation_error(message, locations, None)
}

/// Every selection set of the document: its operations' and its fragments'.
fn selection_sets(document: &ExecutableDocument) -> impl Iterator<Item = &SelectionSet> {
    document
        .operations
        .iter()
        .map(|op| &op.selection_set)
        .chain(document.fragments.values().map(|f| &f.selection_set))
}

/// The spec's "Input Object Field Uniqueness": `{eq: 1, eq: 2}` is refused (apollo-compiler
/// keeps both; async-graphql's parser silently kept the last).
fn unique_input_fields(document: &ExecutableDocument, errors: &mut Vec<ServerError>) {
    fn value(
        document: &ExecutableDocument,
        node: &Node<ast::Value>,
        errors: &mut Vec<ServerError>,
    ) {
        match node.as_ref() {
            ast::Value::Object(fields) => {
                for (i, (name, inner)) in fields.iter().enumerate() {
                    if fields[..i].iter().any(|(earlier, _)| earlier == name) {
                        errors.push(error_at(
                            document,
                            inner,
                            format!("There can be only one input field named \"{name}\"."),
                        ));
                    }
                    value(document, inner, errors);
                }
            }
            ast::Value::List(items) => {
                for item in items {
                    value(document, item, errors);
                }
            }
            _ => {}
        }
    }
    fn directives(
        document: &ExecutableDocument,
        list: &DirectiveList,
        errors: &mut Vec<ServerError>,
    ) {
        for directive in list.iter() {
            for argument in &directive.arguments {
                value(document, &argument.value, errors);
            }
        }
    }
    // Selection sets nest no deeper than the text's nesting limit (limits.rs).
    fn set(
        document: &ExecutableDocument,
        selections: &SelectionSet,
        errors: &mut Vec<ServerError>,
    ) {
        for selection in &selections.selections {
            match selection {
                Selection::Field(field) => {
                    for argument in &field.arguments {
                        value(document, &argument.value, errors);
                    }
                    directives(document, &field.directives, errors);
                    set(document, &field.selection_set, errors);
                }
                Selection::FragmentSpread(spread) => {
                    directives(document, &spread.directives, errors)
                }
                Selection::InlineFragment(inline) => {
                    directives(document, &inline.directives, errors);
                    set(document, &inline.selection_set, errors);
                }
            }
        }
    }
    for operation in document.operations.iter() {
        for variable in &operation.variables {
            if let Some(default) = &variable.default_value {
                value(document, default, errors);
            }
        }
        directives(document, &operation.directives, errors);
    }
    for fragment in document.fragments.values() {
        directives(document, &fragment.directives, errors);
    }
    for selections in selection_sets(document) {
        set(document, selections, errors);
    }
}

/// graphql-js's `MaxIntrospectionDepthRule` (not the spec's, but graphql-js refuses by it):
/// `fields`, `interfaces`, `possibleTypes` and `inputFields` nested three deep under `__schema` or
/// `__type` are refused, so introspection cannot be made to list the schema exponentially.
fn max_introspection_depth(document: &ExecutableDocument, errors: &mut Vec<ServerError>) {
    const MAX_LISTS_DEPTH: usize = 3;
    fn too_deep<'d>(
        document: &'d ExecutableDocument,
        set: &'d SelectionSet,
        visited: &mut Vec<&'d str>,
        depth: usize,
    ) -> bool {
        set.selections.iter().any(|selection| match selection {
            Selection::Field(field) => {
                let listing = matches!(
                    field.name.as_str(),
                    "fields" | "interfaces" | "possibleTypes" | "inputFields"
                );
                let depth = depth + usize::from(listing);
                depth >= MAX_LISTS_DEPTH || too_deep(document, &field.selection_set, visited, depth)
            }
            Selection::InlineFragment(inline) => {
                too_deep(document, &inline.selection_set, visited, depth)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.fragment_name.as_str();
                // The document's expansion is bounded (limits.rs), so this walk is too.
                if visited.contains(&name) {
                    return false;
                }
                let Some(fragment) = document.fragments.get(name) else {
                    return false;
                };
                visited.push(name);
                let deep = too_deep(document, &fragment.selection_set, visited, depth);
                visited.pop();
                deep
            }
        })
    }
    fn find<'d>(
        document: &'d ExecutableDocument,
        set: &'d SelectionSet,
        errors: &mut Vec<ServerError>,
    ) {
        for selection in &set.selections {
            match selection {
                Selection::Field(field) => {
                    if matches!(field.name.as_str(), "__schema" | "__type")
                        && too_deep(document, &field.selection_set, &mut Vec::new(), 0)
                    {
                        errors.push(error_at(
                            document,
                            field,
                            "Maximum introspection depth exceeded".to_owned(),
                        ));
                    } else {
                        find(document, &field.selection_set, errors);
                    }
                }
                Selection::InlineFragment(inline) => find(document, &inline.selection_set, errors),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    for selections in selection_sets(document) {
        find(document, selections, errors);
    }
}

/// The spec's "Single Root Field" as graphql-js applies it: the root selection of a
/// subscription, its fields collected (fragments spread, `@skip`/`@include` with literal
/// arguments applied, fields of one response key merged), holds exactly one field. A condition
/// on a variable cannot be decided before the variables are known, so it is refused.
fn single_root_field(document: &ExecutableDocument, errors: &mut Vec<ServerError>) {
    /// The response keys of `set`, or `None` when a condition depends on a variable.
    fn collect<'d>(
        document: &'d ExecutableDocument,
        set: &'d SelectionSet,
        visited: &mut Vec<&'d str>,
        keys: &mut Vec<&'d str>,
    ) -> Option<()> {
        for selection in &set.selections {
            let mut included = true;
            for directive in selection.directives().iter() {
                let wanted = match directive.name.as_str() {
                    "skip" => false,
                    "include" => true,
                    _ => continue,
                };
                match directive
                    .specified_argument_by_name("if")
                    .map(|v| v.as_ref())
                {
                    Some(ast::Value::Boolean(condition)) => included &= *condition == wanted,
                    Some(ast::Value::Variable(_)) => return None,
                    _ => {}
                }
            }
            if !included {
                continue;
            }
            match selection {
                Selection::Field(field) => {
                    let key = field.alias.as_ref().unwrap_or(&field.name).as_str();
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Selection::InlineFragment(inline) => {
                    collect(document, &inline.selection_set, visited, keys)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.fragment_name.as_str();
                    if visited.contains(&name) {
                        continue;
                    }
                    visited.push(name);
                    if let Some(fragment) = document.fragments.get(name) {
                        collect(document, &fragment.selection_set, visited, keys)?;
                    }
                }
            }
        }
        Some(())
    }
    for operation in document.operations.iter() {
        if operation.operation_type != ast::OperationType::Subscription {
            continue;
        }
        let mut keys = Vec::new();
        let subject = match &operation.name {
            Some(name) => format!("Subscription \"{name}\""),
            None => "Anonymous Subscription".to_owned(),
        };
        let message = match collect(
            document,
            &operation.selection_set,
            &mut Vec::new(),
            &mut keys,
        ) {
            None => format!("{subject} must not make its root field conditional on a variable."),
            Some(()) if keys.len() > 1 => {
                format!("{subject} must select only one top level field.")
            }
            Some(()) => continue,
        };
        errors.push(error_at(document, operation, message));
    }
}

/// Literal `DateTime`s that do not parse are refused, as graphql-js's scalar would. And the
/// spec's "All Variable Usages Are Allowed" for variables inside input objects and lists
/// (apollo-compiler checks a variable given as a whole argument, and compares only the named type
/// of one nested deeper: `$ids: [Int]` passed to `in: [Int!]` went through), and "OneOf Input
/// Objects": a variable as the field of a OneOf object must be non-null. Each operation is
/// walked with the fragments it spreads (their expansion is bounded by limits.rs).
fn nested_variable_positions(
    schema: &Valid<Schema>,
    document: &ExecutableDocument,
    errors: &mut Vec<ServerError>,
) {
    struct Walk<'d> {
        schema: &'d Schema,
        document: &'d ExecutableDocument,
        variables: &'d [Node<ast::VariableDefinition>],
        visited: Vec<&'d str>,
        errors: &'d mut Vec<ServerError>,
    }
    impl<'d> Walk<'d> {
        fn allowed(
            &self,
            variable: &ast::VariableDefinition,
            location: &ast::Type,
            location_default: bool,
        ) -> bool {
            if location.is_non_null() && !variable.ty.is_non_null() {
                if variable.default_value.is_none() && !location_default {
                    return false;
                }
                return variable.ty.is_assignable_to(&location.clone().nullable());
            }
            variable.ty.is_assignable_to(location)
        }

        /// `value` sits where `ty` is expected; `nested` is false for a whole argument.
        fn value(
            &mut self,
            node: &'d Node<ast::Value>,
            ty: &ast::Type,
            location_default: bool,
            one_of: Option<&str>,
            nested: bool,
        ) {
            match node.as_ref() {
                ast::Value::Variable(name) => {
                    let Some(variable) = self.variables.iter().find(|v| v.name == *name) else {
                        return;
                    };
                    if let Some(object) = one_of
                        && !variable.ty.is_non_null()
                    {
                        self.errors.push(error_at(
                            self.document,
                            node,
                            format!(
                                "Variable \"${name}\" is of type \"{}\" but must be non-null to be used for OneOf Input Object \"{object}\".",
                                variable.ty
                            ),
                        ));
                    } else if nested && !self.allowed(variable, ty, location_default) {
                        self.errors.push(error_at(
                            self.document,
                            node,
                            format!(
                                "Variable \"${name}\" of type \"{}\" used in position expecting type \"{ty}\".",
                                variable.ty
                            ),
                        ));
                    }
                }
                // The one custom scalar with a format: graphql-js validates a literal with the
                // scalar's own parser, and so must we (async-graphql would parse it only when
                // its field ran).
                literal if ty.inner_named_type() == "DateTime" && !ty.is_list() => {
                    let parses = match literal {
                        ast::Value::String(text) => date_time(text),
                        ast::Value::Null => true,
                        _ => false,
                    };
                    if !parses {
                        self.errors.push(error_at(
                            self.document,
                            node,
                            format!("Expected value of type \"DateTime\", found {literal}; {DATE_TIME_HINT}"),
                        ));
                    }
                }
                ast::Value::List(items) if ty.is_list() => {
                    let item = ty.item_type().clone();
                    for entry in items {
                        self.value(entry, &item, false, None, true);
                    }
                }
                ast::Value::Object(fields) => {
                    let Some(object) = self.schema.get_input_object(ty.inner_named_type()) else {
                        return;
                    };
                    let one_of = object.directives.has("oneOf").then(|| object.name.as_str());
                    // A OneOf literal names exactly one field, not null (apollo-compiler 1.x
                    // predates OneOf input objects).
                    if let Some(type_name) = one_of {
                        match fields.as_slice() {
                            [(_, value)] if !value.is_null() => {}
                            [(field, _)] => self.errors.push(error_at(
                                self.document,
                                node,
                                format!("Field \"{type_name}.{field}\" must be non-null."),
                            )),
                            _ => self.errors.push(error_at(
                                self.document,
                                node,
                                format!("OneOf Input Object \"{type_name}\" must specify exactly one key."),
                            )),
                        }
                    }
                    for (name, inner) in fields {
                        if let Some(field) = object.fields.get(name) {
                            let field_ty = field.ty.as_ref().clone();
                            let default = field.default_value.is_some();
                            self.value(inner, &field_ty, default, one_of, true);
                        }
                    }
                }
                _ => {}
            }
        }

        fn arguments(
            &mut self,
            arguments: &'d [Node<ast::Argument>],
            definitions: &'d [Node<ast::InputValueDefinition>],
        ) {
            for argument in arguments {
                if let Some(definition) = definitions.iter().find(|d| d.name == argument.name) {
                    let ty = definition.ty.as_ref().clone();
                    self.value(
                        &argument.value,
                        &ty,
                        definition.default_value.is_some(),
                        None,
                        false,
                    );
                }
            }
        }

        fn directives(&mut self, list: &'d DirectiveList) {
            for directive in list.iter() {
                if let Some(definition) = self.schema.directive_definitions.get(&directive.name) {
                    self.arguments(&directive.arguments, &definition.arguments);
                }
            }
        }

        fn set(&mut self, selections: &'d SelectionSet) {
            for selection in &selections.selections {
                match selection {
                    Selection::Field(field) => {
                        self.arguments(&field.arguments, &field.definition.arguments);
                        self.directives(&field.directives);
                        self.set(&field.selection_set);
                    }
                    Selection::InlineFragment(inline) => {
                        self.directives(&inline.directives);
                        self.set(&inline.selection_set);
                    }
                    Selection::FragmentSpread(spread) => {
                        self.directives(&spread.directives);
                        let name = spread.fragment_name.as_str();
                        if self.visited.contains(&name) {
                            continue;
                        }
                        self.visited.push(name);
                        if let Some(fragment) = self.document.fragments.get(name) {
                            self.set(&fragment.selection_set);
                        }
                    }
                }
            }
        }
    }
    for operation in document.operations.iter() {
        let mut walk = Walk {
            schema,
            document,
            variables: &operation.variables,
            visited: Vec::new(),
            errors: &mut *errors,
        };
        walk.directives(&operation.directives);
        walk.set(&operation.selection_set);
    }
}

/// The input a coercion message names, for `extensions.field` as on every VALIDATION error:
/// an input object's field (`… input object field NewHistoryRecordInput.documentType`, `… input
/// field ResponseInput.responseCode: …`, `… has key bogus not in type …`) or else the variable
/// (`could not coerce variable t: …` → `$t`).
fn field_named(message: &str) -> Option<String> {
    let word_after = |marker: &str| -> Option<&str> {
        let rest = &message[message.find(marker)? + marker.len()..];
        let rest = rest.strip_prefix('\'').unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let word = rest[..end].trim_end_matches('.');
        (!word.is_empty()).then_some(word)
    };
    if let Some(qualified) =
        word_after("input object field ").or_else(|| word_after("input field "))
    {
        return Some(qualified.rsplit('.').next().unwrap_or(qualified).to_owned());
    }
    if let Some(key) = word_after("has key ") {
        return Some(key.to_owned());
    }
    word_after("variable ").map(|name| format!("${name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_is_read_from_coercion_messages() {
        let field = |m: &str| field_named(m);
        assert_eq!(
            field("could not coerce variable t: \"many\" to type Int").as_deref(),
            Some("$t")
        );
        assert_eq!(
            field("missing value for non-null variable 'id'").as_deref(),
            Some("$id")
        );
        assert_eq!(
            field(
                "Missing value for non-null input object field NewHistoryRecordInput.documentType"
            )
            .as_deref(),
            Some("documentType")
        );
        assert_eq!(
            field("could not coerce input field ResponseInput.responseCode: 5 to type String")
                .as_deref(),
            Some("responseCode")
        );
        assert_eq!(
            field("Input object has key bogus not in type NewHistoryRecordInput").as_deref(),
            Some("bogus")
        );
        assert_eq!(field("something else"), None);
    }
}
