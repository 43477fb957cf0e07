//! Content negotiation: JSON (dash-case keys) by default, XML in the vendor's Rails style when the
//! client asks for `application/xml`; and the response shapes of `return_object` and `fields`.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use quick_xml::{
    Writer,
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event, attributes::Attribute},
    name::QName,
};
use serde_json::Value;

use super::error::RestError;

/// The media type of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `application/xml` (or `text/xml`).
    Xml,
}

impl Format {
    /// XML when `Accept` prefers an XML type over JSON, else JSON.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accept = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        for entry in accept.split(',') {
            let media = entry.split(';').next().unwrap_or("").trim();
            match media {
                "application/xml" | "text/xml" => return Format::Xml,
                "application/json" | "*/*" | "application/*" => return Format::Json,
                _ => {}
            }
        }
        Format::Json
    }
}

/// How much of an object a response carries (`return_object`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    /// Everything, nested associations included.
    #[default]
    Full,
    /// The object's own fields; associations only as `{id}`, nested lists left out.
    Shallow,
    /// Nothing but the id.
    None,
}

impl View {
    /// Parses a `return_object` value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "none" => Some(View::None),
            "limited" | "shallow" => Some(View::Shallow),
            "full" | "" => Some(View::Full),
            _ => None,
        }
    }
}

/// One selected field, with an optional selection inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The field's name, dash-case.
    pub name: String,
    /// The selection inside it (`{"integration":["code"]}`).
    pub nested: Option<Fields>,
}

/// A field selection (`fields=["id","status",{"integration":["code"]}]`).
pub type Fields = Vec<Field>;

/// Applies a view and a field selection to one rendered object.
pub fn shape(mut value: Value, view: View, fields: Option<&Fields>) -> Value {
    let Value::Object(map) = &mut value else {
        return value;
    };
    match view {
        View::Full => {}
        View::None => {
            map.retain(|k, _| k == "id");
            return value;
        }
        View::Shallow => {
            map.retain(|_, v| !matches!(v, Value::Array(_)));
            for v in map.values_mut() {
                if let Value::Object(inner) = v {
                    inner.retain(|k, _| k == "id");
                }
            }
        }
    }
    if let Some(fields) = fields {
        select(map, fields);
    }
    value
}

fn select(map: &mut serde_json::Map<String, Value>, fields: &Fields) {
    map.retain(|k, _| k == "id" || fields.iter().any(|f| &f.name == k));
    for field in fields {
        let Some(nested) = &field.nested else {
            continue;
        };
        match map.get_mut(&field.name) {
            Some(Value::Object(inner)) => select(inner, nested),
            Some(Value::Array(items)) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        select(inner, nested);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A successful answer: status and body (`None`: no body).
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The body, already shaped; its root element name for XML.
    pub body: Option<(String, Value)>,
}

/// Renders a reply or an error in the negotiated format.
pub fn respond(format: Format, result: Result<Reply, RestError>) -> Response {
    match result {
        Ok(Reply { status, body: None }) => status.into_response(),
        Ok(Reply {
            status,
            body: Some((root, value)),
        }) => write(format, status, &root, &value),
        Err(error) => {
            let mut response = match format {
                Format::Json => {
                    let body = serde_json::to_value(error.body()).unwrap_or(Value::Null);
                    write(format, error.status, "errors", &body)
                }
                // `<errors><integration-run>message</integration-run>…</errors>`.
                Format::Xml => write_errors(error.status, &error.object, &error.messages),
            };
            for (name, value) in error.headers {
                response.headers_mut().insert(name, value);
            }
            response
        }
    }
}

fn write(format: Format, status: StatusCode, root: &str, value: &Value) -> Response {
    match format {
        Format::Json => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )],
            value.to_string(),
        )
            .into_response(),
        Format::Xml => match to_xml(root, value) {
            Ok(text) => (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/xml; charset=utf-8"),
                )],
                text,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "cannot write XML");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
    }
}

/// The vendor's errors as XML: one element per message, named by the object.
fn write_errors(status: StatusCode, object: &str, messages: &[String]) -> Response {
    let mut writer = Writer::new(Vec::new());
    let written = (|| -> Result<(), quick_xml::Error> {
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer.write_event(Event::Start(BytesStart::new("errors")))?;
        for message in messages {
            element(&mut writer, object, &Value::from(message.as_str()))?;
        }
        writer.write_event(Event::End(BytesEnd::new("errors")))?;
        Ok(())
    })();
    match written {
        Ok(()) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml; charset=utf-8"),
            )],
            String::from_utf8_lossy(&writer.into_inner()).into_owned(),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot write XML");
            status.into_response()
        }
    }
}

/// The element name of one item of a list element (`integration-runs` → `integration-run`).
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_owned()
    } else {
        format!("{name}-item")
    }
}

/// Whether a string looks like one of our timestamps (Rails tags those `type="dateTime"`).
fn is_datetime(s: &str) -> bool {
    s.len() >= 20 && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// Writes `value` as a Rails-style XML document with root element `root`: lists as
/// `type="array"` of singular elements, nulls as `nil="true"`, typed scalars.
pub fn to_xml(root: &str, value: &Value) -> Result<String, quick_xml::Error> {
    let mut writer = Writer::new(Vec::new());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    element(&mut writer, root, value)?;
    Ok(String::from_utf8_lossy(&writer.into_inner()).into_owned())
}

/// Whether `name` can be an XML element's name as it is (the keys of the free-form `flow` are
/// the client's; a key such as `a b` or `x><y` must not become markup).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml"))
}

/// Escapes text for element content (`attribute`: for an attribute value), including what a
/// reader would otherwise change: every `\r` (XML line-end normalisation makes `\r\n` and `\r`
/// a `\n`) and, in an attribute value, tab and newline (attribute normalisation makes them
/// spaces). Written as character references, they read back as they were.
fn escaped(text: &str, attribute: bool) -> String {
    let mut out = quick_xml::escape::escape(text).into_owned();
    if out.contains('\r') {
        out = out.replace('\r', "&#13;");
    }
    if attribute && out.contains(['\t', '\n']) {
        out = out.replace('\t', "&#9;").replace('\n', "&#10;");
    }
    out
}

/// Text XML 1.0 can carry: control characters other than tab, newline and carriage return
/// cannot appear in a document at all, escaped or not. Input refuses them; rows stored before
/// that rule get U+FFFD in their place, so the answer always parses.
fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if text.chars().any(bad) {
        text.chars()
            .map(|c| if bad(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, value: &Value) -> Result<(), quick_xml::Error> {
    // A key that is no XML name is written as <entry key="…">, its text escaped.
    let (name, key) = if is_xml_name(name) {
        (name, None)
    } else {
        ("entry", Some(xml_text(name)))
    };
    let mut start = BytesStart::new(name);
    if let Some(key) = &key {
        start.push_attribute(Attribute {
            key: QName("key"),
            value: escaped(key, true).into(),
        });
    }
    match value {
        Value::Null => {
            start.push_attribute(("nil", "true"));
            w.write_event(Event::Empty(start))?;
            return Ok(());
        }
        Value::Array(items) => {
            start.push_attribute(("type", "array"));
            w.write_event(Event::Start(start))?;
            let item_name = singular(name);
            for item in items {
                element(w, &item_name, item)?;
            }
        }
        Value::Object(map) => {
            // Without a type an empty element reads back as null (Rails' rule), not `{}`.
            if map.is_empty() {
                start.push_attribute(("type", "hash"));
            }
            w.write_event(Event::Start(start))?;
            for (k, v) in map {
                element(w, k, v)?;
            }
        }
        Value::Bool(b) => {
            start.push_attribute(("type", "boolean"));
            w.write_event(Event::Start(start))?;
            w.write_event(Event::Text(BytesText::new(if *b {
                "true"
            } else {
                "false"
            })))?;
        }
        Value::Number(n) => {
            start.push_attribute(("type", if n.is_f64() { "float" } else { "integer" }));
            w.write_event(Event::Start(start))?;
            w.write_event(Event::Text(BytesText::new(&n.to_string())))?;
        }
        Value::String(s) => {
            if is_datetime(s) {
                start.push_attribute(("type", "dateTime"));
            } else if s.is_empty() {
                // Without a type an empty element reads back as null (Rails' rule), not "".
                start.push_attribute(("type", "string"));
            }
            w.write_event(Event::Start(start))?;
            w.write_event(Event::Text(BytesText::from_escaped(escaped(
                &xml_text(s),
                false,
            ))))?;
        }
    }
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_that_are_no_xml_names_and_control_characters_cannot_break_the_document() {
        let xml = to_xml(
            "integration-run",
            &json!({"flow": {"a b": 1, "x><y z=\"1\"": "t", "ok-key": "bell\u{7}<&>", "1x": null}}),
        )
        .unwrap();
        assert!(
            xml.contains(r#"<entry key="a b" type="integer">1</entry>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<entry key="x&gt;&lt;y z=&quot;1&quot;">t</entry>"#),
            "{xml}"
        );
        assert!(
            xml.contains("<ok-key>bell\u{FFFD}&lt;&amp;&gt;</ok-key>"),
            "{xml}"
        );
        assert!(xml.contains(r#"<entry key="1x" nil="true"/>"#), "{xml}");
        // It parses.
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{e}: {xml}"),
            }
        }
    }

    #[test]
    fn empty_values_and_carriage_returns_are_written_so_they_read_back() {
        let xml = to_xml(
            "r",
            &json!({"o": {}, "s": "", "t": "a\r\nb", "k": {"a\tb\nc\rd": 1}}),
        )
        .unwrap();
        assert!(xml.contains(r#"<o type="hash"></o>"#), "{xml}");
        assert!(xml.contains(r#"<s type="string"></s>"#), "{xml}");
        assert!(xml.contains("<t>a&#13;\nb</t>"), "{xml}");
        assert!(
            xml.contains(r#"<entry key="a&#9;b&#10;c&#13;d" type="integer">1</entry>"#),
            "{xml}"
        );
    }

    #[test]
    fn lists_are_rails_arrays_of_singular_elements() {
        let xml = to_xml(
            "integration-runs",
            &json!([{ "id": 1, "status": "running", "end-time": null, "flow": {"a": "<b>"} }]),
        )
        .unwrap();
        assert!(
            xml.contains("<integration-runs type=\"array\"><integration-run>"),
            "{xml}"
        );
        assert!(xml.contains("<id type=\"integer\">1</id>"), "{xml}");
        assert!(xml.contains("<end-time nil=\"true\"/>"), "{xml}");
        assert!(xml.contains("&lt;b&gt;"), "{xml}");
        assert_eq!(singular("responses"), "response");
        assert_eq!(
            singular("integration-history-records"),
            "integration-history-record"
        );
    }

    #[test]
    fn accept_picks_xml_only_when_asked() {
        let mut h = HeaderMap::new();
        assert_eq!(Format::negotiate(&h), Format::Json);
        h.insert(header::ACCEPT, "application/xml".parse().unwrap());
        assert_eq!(Format::negotiate(&h), Format::Xml);
        h.insert(
            header::ACCEPT,
            "application/json, application/xml".parse().unwrap(),
        );
        assert_eq!(Format::negotiate(&h), Format::Json);
    }

    #[test]
    fn shallow_keeps_ids_of_associations_and_fields_select() {
        let v = json!({ "id": 1, "status": "x", "integration": {"id": 2, "code": "S"}, "responses": [] });
        let s = shape(v.clone(), View::Shallow, None);
        assert_eq!(
            s,
            json!({ "id": 1, "status": "x", "integration": {"id": 2} })
        );
        let fields: Fields = vec![Field {
            name: "integration".into(),
            nested: Some(vec![Field {
                name: "code".into(),
                nested: None,
            }]),
        }];
        let f = shape(v.clone(), View::Full, Some(&fields));
        assert_eq!(f, json!({ "id": 1, "integration": {"id": 2, "code": "S"} }));
        assert_eq!(shape(v, View::None, None), json!({ "id": 1 }));
    }
}
