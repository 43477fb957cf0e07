//! Reads the vendor's Rails-style XML request bodies into JSON values: the mirror of
//! [`to_xml`](super::format::to_xml), with the semantics of Rails' `Hash.from_xml`
//! (ActiveSupport `XmlMini` and its `XMLConverter`) where they are safe and unambiguous.
//!
//! - An element with child elements is an object; its keys are the element names as written
//!   (dash-case stays dash-case), `<entry key="a b">` gives the key `a b`.
//! - `type="array"`: a list of the values of its child elements, whatever their names.
//! - `nil="true"`: null.
//! - `type="integer"` (an `i64`), `"float"` / `"double"` / `"decimal"` (a finite number),
//!   `"boolean"` (`true`/`1`, `false`/`0`): numbers and booleans; their text is trimmed as Rails
//!   trims it, and an empty one is null (Rails: a typed element without text is `nil`; one of
//!   only whitespace is null here too, where Rails reads 0 or false).
//!   `"dateTime"` / `"datetime"` / `"date"`: the trimmed text, as a string (the body's
//!   deserializer parses it). `"string"`: the text as written, so `<a type="string"/>` is `""`.
//!   `"hash"`: an object, so `<a type="hash"/>` is `{}`.
//! - No type and no child elements: the text exactly as written (whitespace kept, as Rails keeps
//!   it); an element with no text at all (`<a/>`, `<a></a>`) is null, as in Rails.
//!
//! Stricter than Rails, because Rails' leniency loses data silently: text beside child elements
//! (Rails keeps the text and drops the elements), an unknown or binary `type`, a boolean other
//! than `true`/`1`/`false`/`0` (Rails reads it as false), a number that does not parse (Rails
//! reads 0), attributes other than `type`, `nil`, `key` (on `<entry>`) and namespace
//! declarations (Rails turns them into keys of objects and drops them on text), and repeated
//! child names in an object (Rails turns them into a list, so the shape of the value would depend
//! on how many there are; a list is written `type="array"`) are all errors.
//!
//! A hostile body is refused before it costs anything: the document is walked with an explicit
//! stack (no recursion), its nesting and element count are bounded by [`XmlLimits`], the
//! attributes of one element are counted before any is looked at, a DOCTYPE is refused (so no
//! entity is ever declared) and only the five predefined entities and character references are
//! expanded.

use quick_xml::{
    Reader, XmlVersion,
    escape::resolve_xml_entity,
    events::{BytesStart, Event},
};
use serde_json::{Map, Number, Value};

use crate::domain::input::InputLimits;

/// How large an XML body may be, checked while it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XmlLimits {
    /// Deepest nesting of elements, the root element being level 1.
    pub max_depth: usize,
    /// Most elements in the whole document.
    pub max_elements: usize,
}

/// Most attributes one element may carry: the format reads at most `type`, `nil` and `key`, the
/// rest is room for namespace declarations. Counted before any attribute is compared, so a tag
/// with a million attributes costs one pass over it.
const MAX_ATTRIBUTES: usize = 8;

/// Default of [`XmlLimits::max_elements`]: a generous run or history record (a thousand responses
/// of a dozen fields) fits several times.
const DEFAULT_MAX_ELEMENTS: usize = 50_000;

impl Default for XmlLimits {
    fn default() -> Self {
        Self::for_input(&InputLimits::default())
    }
}

impl XmlLimits {
    /// The bounds matching a JSON body's: one level more than the input depth, since a scalar is
    /// an element of its own in XML (`{"a": {"b": 1}}` is two levels, `<r><a><b>1</b></a></r>`
    /// three).
    pub fn for_input(input: &InputLimits) -> Self {
        Self {
            max_depth: input.max_depth.saturating_add(1),
            max_elements: DEFAULT_MAX_ELEMENTS,
        }
    }
}

/// What an element's `type` attribute makes of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// No type: an object with children, else its text (null without any).
    Untyped,
    /// `type="hash"`: an object, `{}` when empty.
    Hash,
    /// `type="array"`: a list of its children's values.
    Array,
    /// `type="string"`: the text, `""` when empty.
    Str,
    /// `type="integer"`.
    Integer,
    /// `type="float"`, `"double"` or `"decimal"`.
    Float,
    /// `type="boolean"`.
    Boolean,
    /// `type="dateTime"`, `"datetime"` or `"date"`: the trimmed text.
    Date,
}

impl Kind {
    fn parse(name: &str, ty: &str, at: u64) -> Result<Self, String> {
        Ok(match ty {
            "hash" => Kind::Hash,
            "array" => Kind::Array,
            "string" => Kind::Str,
            "integer" => Kind::Integer,
            "float" | "double" | "decimal" => Kind::Float,
            "boolean" => Kind::Boolean,
            "dateTime" | "datetime" | "date" => Kind::Date,
            "symbol" | "yaml" => {
                return Err(format!(
                    "element <{name}> (byte {at}) has type=\"{ty}\", which is not accepted (Rails \
                     refuses it too)"
                ));
            }
            "base64Binary" | "binary" | "file" => {
                return Err(format!(
                    "element <{name}> (byte {at}) has type=\"{ty}\"; this API takes no binary data"
                ));
            }
            _ => {
                return Err(format!(
                    "element <{name}> (byte {at}) has the unknown type=\"{}\"; known types are \
                     array, hash, string, integer, float, decimal, boolean, dateTime and date",
                    excerpt(ty)
                ));
            }
        })
    }

    /// Whether the element holds a scalar (text), never child elements.
    fn is_scalar(self) -> bool {
        !matches!(self, Kind::Untyped | Kind::Hash | Kind::Array)
    }

    /// Whether the element holds only child elements, never text.
    fn is_container(self) -> bool {
        matches!(self, Kind::Hash | Kind::Array)
    }
}

/// One open element.
#[derive(Debug)]
struct Frame {
    /// Its name as written, for messages.
    name: String,
    /// Its key in the parent object: the name, or an `<entry>`'s `key`.
    key: String,
    /// Where its start tag begins.
    at: u64,
    kind: Kind,
    /// Its `type` attribute as written (` type="decimal"`), or nothing, for messages.
    ty: String,
    nil: bool,
    /// Its text so far (entities expanded); only whitespace once it has children.
    text: String,
    /// Whether any text, CDATA or reference was seen (`<a></a>` is null, `<a><![CDATA[]]></a>`
    /// an empty string, as in Rails).
    had_text: bool,
    /// Its children's values when it is an object.
    map: Map<String, Value>,
    /// Its children's values when it is a list.
    list: Vec<Value>,
    children: usize,
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_blank(text: &str) -> bool {
    text.chars().all(is_xml_space)
}

/// The start of a text for a message, never the whole of a long one.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Whether a name is an XML name, roughly: it starts with a letter, `_`, `:` or any non-ASCII
/// character, and goes on with those, digits, `-` and `.` (the reader checks none of it).
fn is_xml_name(name: &str) -> bool {
    let start = |c: char| c.is_ascii_alphabetic() || matches!(c, '_' | ':') || !c.is_ascii();
    let mut chars = name.chars();
    chars.next().is_some_and(start)
        && chars.all(|c| start(c) || c.is_ascii_digit() || matches!(c, '-' | '.'))
}

/// Whether XML 1.0 allows the character in a document at all, escaped or not.
fn is_xml_char(c: char) -> bool {
    (c >= ' ' || matches!(c, '\t' | '\n' | '\r')) && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Reads a Rails-style XML document into (root element name, value); see the module's
/// documentation for the rules. The error is a message for the client, with the byte offset of
/// the trouble where there is one.
pub fn from_xml(body: &[u8], limits: &XmlLimits) -> Result<(String, Value), String> {
    let text = std::str::from_utf8(body).map_err(|e| {
        format!(
            "the body is not UTF-8 (an invalid byte at byte {}); send XML encoded as UTF-8",
            e.valid_up_to()
        )
    })?;
    // A UTF-8 byte order mark is allowed; offsets in messages still count it.
    let (text, offset) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => (rest, 3u64),
        None => (text, 0),
    };
    // Control characters cannot be in an XML document; checking them once here covers names,
    // attribute values and text alike (character references are checked where they expand).
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| !is_xml_char(c)) {
        return Err(format!(
            "the body is not XML: it holds the character U+{:04X} at byte {}, which XML 1.0 does \
             not allow",
            u32::from(c),
            offset + at as u64
        ));
    }
    Parser {
        reader: Reader::from_str(text),
        offset,
        limits,
        stack: Vec::new(),
        root: None,
        elements: 0,
        seen_event: false,
    }
    .run()
}

/// The walk over one document's events.
struct Parser<'a, 'l> {
    reader: Reader<&'a [u8]>,
    /// Bytes before the reader's input (a byte order mark).
    offset: u64,
    limits: &'l XmlLimits,
    stack: Vec<Frame>,
    root: Option<(String, Value)>,
    elements: usize,
    /// Whether any event came before (an XML declaration must be first).
    seen_event: bool,
}

impl Parser<'_, '_> {
    fn run(mut self) -> Result<(String, Value), String> {
        loop {
            let at = self.offset + self.reader.buffer_position();
            let event = self.reader.read_event().map_err(|e| {
                format!(
                    "the body is not XML: {e} at byte {}",
                    self.offset + self.reader.error_position()
                )
            })?;
            let first = !self.seen_event;
            self.seen_event = true;
            match event {
                Event::Start(start) => self.open(&start, at)?,
                Event::Empty(start) => {
                    self.open(&start, at)?;
                    self.close()?;
                }
                Event::End(_) => self.close()?,
                Event::Text(t) => self.text(&t.xml10_content(), at)?,
                Event::CData(t) => self.text(&t.xml10_content(), at)?,
                Event::GeneralRef(r) => {
                    let expanded = self.reference(&r, at)?;
                    self.text(&expanded, at)?;
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(decl) => {
                    if !first {
                        return Err(format!(
                            "the body is not XML: an XML declaration at byte {at} that is not at \
                             the start of the document"
                        ));
                    }
                    check_decl(&decl, at)?;
                }
                Event::DocType(_) => {
                    return Err(format!(
                        "the body has a DOCTYPE at byte {at}; document type and entity \
                         declarations are not accepted"
                    ));
                }
                Event::Eof => break,
            }
        }
        if let Some(open) = self.stack.last() {
            return Err(format!(
                "the body is not XML: it ends before element <{}> (byte {}) is closed; is it \
                 truncated?",
                open.name, open.at
            ));
        }
        self.root
            .ok_or_else(|| "the body is not XML: it has no root element".to_owned())
    }

    /// The text of a general reference: one of the five predefined entities or a character.
    fn reference(&self, r: &quick_xml::events::BytesRef<'_>, at: u64) -> Result<String, String> {
        let name: &str = r;
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => Ok(c.to_string()),
                _ => Err(format!(
                    "the body is not XML: the character reference &{}; at byte {at} is no \
                     character XML 1.0 allows",
                    excerpt(name)
                )),
            };
        }
        resolve_xml_entity(name).map(str::to_owned).ok_or_else(|| {
            format!(
                "the body uses the undefined entity &{}; at byte {at}; only &lt; &gt; &amp; \
                 &quot; &apos; and character references (&#233;) are defined",
                excerpt(name)
            )
        })
    }

    fn open(&mut self, start: &BytesStart<'_>, at: u64) -> Result<(), String> {
        let name = start.name().0.to_owned();
        if !is_xml_name(&name) {
            return Err(format!(
                "the body is not XML: <{}> at byte {at} is no element name",
                excerpt(&name)
            ));
        }
        if self.root.is_some() {
            return Err(format!(
                "the body is not XML: a second root element <{name}> at byte {at}; a document \
                 has exactly one"
            ));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(format!(
                "the body nests elements deeper than {} levels (element <{name}> at byte {at})",
                self.limits.max_depth
            ));
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(format!(
                "the body has more than {} elements (element <{name}> at byte {at})",
                self.limits.max_elements
            ));
        }
        if let Some(parent) = self.stack.last_mut() {
            if parent.nil {
                return Err(format!(
                    "element <{}> has nil=\"true\" but holds the element <{name}> (byte {at})",
                    parent.name
                ));
            }
            if parent.kind.is_scalar() {
                return Err(format!(
                    "element <{}>{} holds the element <{name}> (byte {at}); a typed value is \
                     text only",
                    parent.name, parent.ty
                ));
            }
            if !is_blank(&parent.text) {
                return Err(mixed(&parent.name, &parent.text, at));
            }
            parent.text.clear();
        }
        let (kind, ty, nil, key) = attributes(start, &name, at)?;
        self.stack.push(Frame {
            key: key.unwrap_or_else(|| name.clone()),
            name,
            at,
            kind,
            ty,
            nil,
            text: String::new(),
            had_text: false,
            map: Map::new(),
            list: Vec::new(),
            children: 0,
        });
        Ok(())
    }

    fn text(&mut self, text: &str, at: u64) -> Result<(), String> {
        let Some(frame) = self.stack.last_mut() else {
            if is_blank(text) {
                return Ok(());
            }
            return Err(format!(
                "the body is not XML: text \"{}\" outside the root element at byte {at}",
                excerpt(text.trim_matches(is_xml_space))
            ));
        };
        if !is_blank(text) {
            if frame.children > 0 {
                return Err(mixed(&frame.name, text, at));
            }
            if frame.kind.is_container() {
                return Err(format!(
                    "element <{}>{} holds the text \"{}\" (byte {at}); it holds elements only",
                    frame.name,
                    frame.ty,
                    excerpt(text.trim_matches(is_xml_space))
                ));
            }
        }
        frame.had_text = true;
        // Whitespace between child elements is layout, not data: keep none of it.
        if frame.children == 0 {
            frame.text.push_str(text);
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let Some(frame) = self.stack.pop() else {
            // The reader refuses an end tag without a start tag; never reached.
            return Err("the body is not XML: an end tag without a start tag".to_owned());
        };
        let (key, at) = (frame.key.clone(), frame.at);
        let value = finish(frame)?;
        match self.stack.last_mut() {
            None => self.root = Some((key, value)),
            Some(parent) => {
                parent.children += 1;
                if parent.kind == Kind::Array {
                    parent.list.push(value);
                } else if parent.map.contains_key(&key) {
                    return Err(format!(
                        "element <{}> holds <{key}> twice (the second at byte {at}); a list is \
                         written as one element with type=\"array\"",
                        parent.name
                    ));
                } else {
                    parent.map.insert(key, value);
                }
            }
        }
        Ok(())
    }
}

/// The message for text beside child elements.
fn mixed(name: &str, text: &str, at: u64) -> String {
    format!(
        "element <{name}> holds both text (\"{}\") and elements (byte {at}); an element is either \
         a value or an object",
        excerpt(text.trim_matches(is_xml_space))
    )
}

/// The XML declaration may only say version 1.0 and UTF-8 (or its subset ASCII).
fn check_decl(decl: &quick_xml::events::BytesDecl<'_>, at: u64) -> Result<(), String> {
    match decl.version() {
        Ok(v) if v == "1.0" => {}
        Ok(v) => {
            return Err(format!(
                "the body declares XML version {}; only 1.0 is accepted",
                excerpt(&v)
            ));
        }
        Err(e) => return Err(format!("the body is not XML: {e} at byte {at}")),
    }
    match decl.encoding() {
        None => Ok(()),
        Some(Ok(enc))
            if ["utf-8", "utf8", "us-ascii", "ascii"]
                .iter()
                .any(|known| enc.eq_ignore_ascii_case(known)) =>
        {
            Ok(())
        }
        Some(Ok(enc)) => Err(format!(
            "the body declares the encoding {}; send XML encoded as UTF-8",
            excerpt(&enc)
        )),
        Some(Err(e)) => Err(format!("the body is not XML: {e} at byte {at}")),
    }
}

/// An element's `type`, `nil` and `key` (on `<entry>`); anything else but namespace declarations
/// is refused, since the format carries no data in attributes.
fn attributes(
    start: &BytesStart<'_>,
    name: &str,
    at: u64,
) -> Result<(Kind, String, bool, Option<String>), String> {
    let (mut ty, mut nil, mut key) = (None::<String>, None::<String>, None::<String>);
    let mut seen: Vec<&str> = Vec::with_capacity(MAX_ATTRIBUTES);
    let mut attrs = start.attributes();
    // Duplicates are checked here among the few attributes allowed, not by the iterator (which
    // compares each attribute with all before it, however many there are).
    attrs.with_checks(false);
    for (count, attr) in attrs.enumerate() {
        if count >= MAX_ATTRIBUTES {
            return Err(format!(
                "element <{name}> (byte {at}) has more than {MAX_ATTRIBUTES} attributes"
            ));
        }
        let attr = attr.map_err(|e| format!("the body is not XML: {e} in the tag at byte {at}"))?;
        let attr_name: &str = attr.key.0;
        if seen.contains(&attr_name) {
            return Err(format!(
                "the body is not XML: element <{name}> (byte {at}) has the attribute \
                 {} twice",
                excerpt(attr_name)
            ));
        }
        seen.push(attr_name);
        if attr_name == "xmlns" || attr_name.starts_with("xmlns:") {
            continue;
        }
        let slot = match attr_name {
            "type" => &mut ty,
            "nil" => &mut nil,
            "key" if name == "entry" => &mut key,
            _ => {
                return Err(format!(
                    "element <{name}> (byte {at}) has the attribute {}, which this API does not \
                     read; the attributes are type, nil, and key on <entry>",
                    excerpt(attr_name)
                ));
            }
        };
        let value = attr
            .normalized_value_with(XmlVersion::Implicit1_0, 1, resolve_xml_entity)
            .map_err(|e| {
                format!("the body is not XML: {e} in the attribute {attr_name} at byte {at}")
            })?;
        if let Some(c) = value.chars().find(|&c| !is_xml_char(c)) {
            return Err(format!(
                "the body is not XML: the attribute {attr_name} of <{name}> (byte {at}) holds \
                 U+{:04X}, which XML 1.0 does not allow",
                u32::from(c)
            ));
        }
        *slot = Some(value.into_owned());
    }
    let (kind, ty) = match ty {
        None => (Kind::Untyped, String::new()),
        Some(ty) => (Kind::parse(name, &ty, at)?, format!(" type=\"{ty}\"")),
    };
    let nil = match nil.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(format!(
                "element <{name}> (byte {at}) has nil=\"{}\"; it is \"true\" or \"false\"",
                excerpt(other)
            ));
        }
    };
    Ok((kind, ty, nil, key))
}

/// The value of a closed element.
fn finish(frame: Frame) -> Result<Value, String> {
    let Frame {
        name,
        at,
        kind,
        ty,
        nil,
        text,
        had_text,
        map,
        list,
        children,
        ..
    } = frame;
    if nil {
        if !is_blank(&text) {
            return Err(format!(
                "element <{name}> (byte {at}) has nil=\"true\" but holds the text \"{}\"",
                excerpt(text.trim_matches(is_xml_space))
            ));
        }
        return Ok(Value::Null);
    }
    let trimmed = text.trim_matches(is_xml_space);
    let not_a = |what: &str| {
        format!(
            "element <{name}> (byte {at}) has{ty} but its text \"{}\" is not {what}",
            excerpt(trimmed)
        )
    };
    Ok(match kind {
        Kind::Array => Value::Array(list),
        Kind::Hash => Value::Object(map),
        Kind::Untyped if children > 0 => Value::Object(map),
        Kind::Untyped if !had_text => Value::Null,
        Kind::Untyped | Kind::Str => Value::String(text),
        _ if trimmed.is_empty() => Value::Null,
        Kind::Integer => match trimmed.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(e)
                if matches!(
                    e.kind(),
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                ) =>
            {
                return Err(not_a(&format!(
                    "an integer in range ({} to {})",
                    i64::MIN,
                    i64::MAX
                )));
            }
            Err(_) => return Err(not_a("an integer")),
        },
        Kind::Float => match trimmed.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Value::Number(n),
            None => return Err(not_a("a finite number")),
        },
        Kind::Boolean => match trimmed {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(not_a("true, false, 1 or 0")),
        },
        Kind::Date => Value::String(trimmed.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rest::format::to_xml;

    fn read(xml: &str) -> Result<(String, Value), String> {
        from_xml(xml.as_bytes(), &XmlLimits::default())
    }

    fn value(xml: &str) -> Value {
        match read(xml) {
            Ok((_, v)) => v,
            Err(e) => panic!("{e}\n{xml}"),
        }
    }

    fn refused(xml: &[u8], limits: &XmlLimits, needle: &str) {
        match from_xml(xml, limits) {
            Ok(v) => panic!(
                "accepted {v:?}: {}",
                String::from_utf8_lossy(&xml[..xml.len().min(200)])
            ),
            Err(e) => assert!(e.contains(needle), "{e:?} does not say {needle:?}"),
        }
    }

    fn round_trip(root: &str, v: &Value) {
        let xml = to_xml(root, v).unwrap();
        assert_eq!(
            from_xml(xml.as_bytes(), &XmlLimits::default()),
            Ok((root.to_owned(), v.clone())),
            "{xml}"
        );
    }

    #[test]
    fn to_xml_output_reads_back_as_the_same_value() {
        let cases = [
            json!({}),
            json!([]),
            json!(null),
            json!(""),
            json!("plain"),
            json!({"a": {}, "b": [], "c": "", "d": null, "e": [{}], "f": [""], "g": [null]}),
            json!({
                "id": 7,
                "total-records": 12,
                "ratio": 0.25,
                "negative": -3,
                "i32": [i32::MIN, i32::MAX, 0],
                "i64": [i64::MIN, i64::MAX],
                "floats": [1.5, -0.125, 3.0, 1e300, -2.5e-10],
                "flags": [true, false],
                "start-time": "2024-05-01T10:20:30.123Z",
                "offset-time": "2024-05-01T10:20:30+02:00",
                "end-time": null,
                "flow": {"source": "SAP", "target": {"system": "CRM", "steps": [1, 2, 3]}},
                "responses": [
                    {"response-code": 200, "body": "<ok/>"},
                    {"response-code": 500, "body": null}
                ],
            }),
            json!({
                "markup": "<a href=\"x\">&amp; 'q'</a> ]]> &lt;",
                "unicode": "Grüße, 日本語, emoji 🎉, U+FFFD \u{FFFD}",
                "spaces": "  padded  ",
                "only-space": "   ",
                "lines": "one\ntwo\r\nthree\rfour\ttab",
                "looks-typed": "12",
                "looks-bool": "true",
                "almost-date": "2024-05-01",
            }),
            json!({
                "a b": 1,
                "1x": "starts with a digit",
                "x><y z=\"1\"": "markup in a key",
                "": "empty key",
                "xml-reserved": true,
                "tab\tand\nnewline\rkey": "whitespace in a key",
                "entry": "a key named entry",
                "type": "a key named type",
                "nil": "a key named nil",
                "ünï": {"nested key": [{"k v": null}]},
            }),
            json!([[1, [2, []]], [{"a": [{}]}], ["x", null, 1.5, false]]),
            json!({"deep": {"er": {"and": {"deeper": {"still": [[[["bottom"]]]]}}}}}),
        ];
        for (i, v) in cases.iter().enumerate() {
            round_trip("integration-run", v);
            round_trip(&format!("root-{i}"), v);
        }
        // A root name that is no XML name comes back too.
        round_trip("not a name", &json!({"a": 1}));
        round_trip("items", &json!([{"id": 1}, {"id": 2}]));
    }

    /// A small deterministic generator of varied values (no external crate for one test).
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
            items[(self.next() % items.len() as u64) as usize]
        }

        fn value(&mut self, depth: usize) -> Value {
            let keys = [
                "id",
                "code",
                "flow",
                "a b",
                "1st",
                "entry",
                "x-y",
                "über",
                "",
                "<k>",
                "items",
                "responses",
                "end-time",
            ];
            let texts = [
                "",
                " ",
                "SAP",
                "a < b & c > d",
                "\"quoted\" 'single'",
                "line\r\nbreak",
                "2023-01-02T03:04:05Z",
                "  x  ",
                "ñ 中 🚀",
                "null",
                "0",
            ];
            let choice = if depth == 0 {
                self.next() % 5
            } else {
                self.next() % 7
            };
            match choice {
                0 => Value::Null,
                1 => Value::Bool(self.next().is_multiple_of(2)),
                2 => Value::from(self.next() as i64 >> (self.next() % 64)),
                3 => Number::from_f64((self.next() % 100_000) as f64 / 64.0 - 500.0)
                    .map_or(Value::Null, Value::Number),
                4 => Value::from(self.pick(&texts)),
                5 => {
                    let n = self.next() % 4;
                    Value::Array((0..n).map(|_| self.value(depth - 1)).collect())
                }
                _ => {
                    let n = self.next() % 5;
                    let mut map = Map::new();
                    for _ in 0..n {
                        let key = self.pick(&keys).to_owned();
                        let v = self.value(depth - 1);
                        map.insert(key, v);
                    }
                    Value::Object(map)
                }
            }
        }
    }

    #[test]
    fn generated_values_round_trip() {
        let mut generator = Gen(0x9E37_79B9_7F4A_7C15);
        for _ in 0..500 {
            let v = generator.value(4);
            round_trip("integration-history-record", &v);
        }
    }

    #[test]
    fn vendor_integration_run_document() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<integration-run>
  <total-records type="integer">12</total-records>
  <flow><source>SAP</source></flow>
  <end-time nil="true"/>
</integration-run>
"#;
        assert_eq!(
            read(xml),
            Ok((
                "integration-run".to_owned(),
                json!({"total-records": 12, "flow": {"source": "SAP"}, "end-time": null})
            ))
        );
    }

    #[test]
    fn vendor_history_record_with_responses() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- sent by the vendor's client -->
<integration-history-record>
  <external-id>A-1</external-id>
  <status>error</status>
  <start-time type="dateTime"> 2024-05-01T10:20:30Z </start-time>
  <responses type="array">
    <response>
      <response-code>200</response-code>
      <message>OK &amp; done &#233;&#x1F600;</message>
    </response>
    <response>
      <response-code type="integer"> 500 </response-code>
      <message><![CDATA[<fault>boom</fault>]]></message>
      <retry type="boolean">1</retry>
    </response>
  </responses>
  <tags type="array"/>
</integration-history-record>"#;
        assert_eq!(
            read(xml),
            Ok((
                "integration-history-record".to_owned(),
                json!({
                    "external-id": "A-1",
                    "status": "error",
                    "start-time": "2024-05-01T10:20:30Z",
                    "responses": [
                        {"response-code": "200", "message": "OK & done é😀"},
                        {"response-code": 500, "message": "<fault>boom</fault>", "retry": true}
                    ],
                    "tags": []
                })
            ))
        );
    }

    #[test]
    fn typed_scalars_as_rails_reads_them() {
        let v = value(
            r#"<r>
              <i type="integer">-42</i>
              <f type="float">1.5</f>
              <d type="decimal">12</d>
              <b1 type="boolean"> true </b1>
              <b2 type="boolean">0</b2>
              <day type="date">2024-05-01</day>
              <dt type="datetime">2024-05-01T10:20:30Z</dt>
              <s type="string">  kept  </s>
              <s-empty type="string"/>
              <h type="hash"/>
              <h2 type="hash"><k>v</k></h2>
              <i-empty type="integer"></i-empty>
              <b-empty type="boolean"/>
              <n nil="true"></n>
              <n2 type="integer" nil="true"/>
              <not-nil nil="false">x</not-nil>
            </r>"#,
        );
        assert_eq!(
            v,
            json!({
                "i": -42, "f": 1.5, "d": 12.0, "b1": true, "b2": false,
                "day": "2024-05-01", "dt": "2024-05-01T10:20:30Z",
                "s": "  kept  ", "s-empty": "", "h": {}, "h2": {"k": "v"},
                "i-empty": null, "b-empty": null, "n": null, "n2": null, "not-nil": "x"
            })
        );
    }

    #[test]
    fn empty_elements_and_whitespace_follow_rails() {
        // No type, no text: null (Rails' `<parent-id></parent-id>` is nil).
        assert_eq!(value("<r><a></a><b/></r>"), json!({"a": null, "b": null}));
        // Text-only elements keep their text as written, whitespace too.
        assert_eq!(
            value("<r><a> x </a><b>   </b><c><![CDATA[]]></c></r>"),
            json!({"a": " x ", "b": "   ", "c": ""})
        );
        // Whitespace between elements is layout.
        assert_eq!(
            value("<r>\n  <a>\n    <b>1</b>\n  </a>\n  <l type=\"array\">\n  </l>\n</r>"),
            json!({"a": {"b": "1"}, "l": []})
        );
        // Entries: the key attribute is the key.
        assert_eq!(
            value(
                r#"<flow><entry key="a b">1</entry><entry key="&lt;k&gt;" type="integer">2</entry><entry>3</entry></flow>"#
            ),
            json!({"a b": "1", "<k>": 2, "entry": "3"})
        );
        // Arrays take their children whatever their names; the root may be one.
        assert_eq!(
            read(
                r#"<things type="array"><thing>a</thing><other nil="true"/><x type="array"/></things>"#
            ),
            Ok(("things".to_owned(), json!(["a", null, []])))
        );
        // Declaration, comments, processing instructions and a BOM are ignored.
        assert_eq!(
            from_xml(
                "\u{FEFF}<?xml version='1.0' encoding='utf-8'?><?pi x?><!--c--><r><!--c-->a<!--c-->b</r><!--end-->"
                    .as_bytes(),
                &XmlLimits::default()
            ),
            Ok(("r".to_owned(), json!("ab")))
        );
    }

    #[test]
    fn ambiguous_or_lossy_documents_are_refused() {
        let d = XmlLimits::default();
        refused(b"<r><a>1</a><a>2</a></r>", &d, "holds <a> twice");
        refused(
            br#"<r><entry key="a">1</entry><a>2</a></r>"#,
            &d,
            "holds <a> twice",
        );
        refused(b"<r>text<a>1</a></r>", &d, "both text");
        refused(b"<r><a>1</a>text</r>", &d, "both text");
        refused(br#"<r type="array">x<a/></r>"#, &d, "elements only");
        refused(br#"<r type="hash">x</r>"#, &d, "elements only");
        refused(br#"<r type="integer"><a/></r>"#, &d, "text only");
        refused(br#"<r type="string"><a/></r>"#, &d, "text only");
        refused(br#"<r nil="true"><a/></r>"#, &d, "nil=\"true\" but holds");
        refused(br#"<r nil="true">x</r>"#, &d, "nil=\"true\" but holds");
        refused(br#"<r nil="yes"/>"#, &d, "\"true\" or \"false\"");
        refused(br#"<r type="widget">1</r>"#, &d, "unknown type=\"widget\"");
        refused(br#"<r type="yaml">--- 1</r>"#, &d, "not accepted");
        refused(br#"<r type="symbol">a</r>"#, &d, "not accepted");
        refused(br#"<r type="base64Binary">AA==</r>"#, &d, "binary");
        refused(br#"<r color="red">1</r>"#, &d, "attribute color");
        refused(br#"<r key="k">1</r>"#, &d, "attribute key");
        refused(br#"<r type="integer" type="array"/>"#, &d, "twice");
        refused(
            br#"<total-records type="integer">abc</total-records>"#,
            &d,
            "element <total-records> (byte 0) has type=\"integer\" but its text \"abc\" is not an integer",
        );
        refused(
            br#"<r type="integer">9223372036854775808</r>"#,
            &d,
            "in range",
        );
        refused(br#"<r type="integer">1.5</r>"#, &d, "not an integer");
        refused(br#"<r type="float">NaN</r>"#, &d, "finite number");
        refused(br#"<r type="float">1e999</r>"#, &d, "finite number");
        refused(br#"<r type="boolean">yes</r>"#, &d, "true, false, 1 or 0");
        refused(
            br#"<?xml version="1.0" encoding="ISO-8859-1"?><r/>"#,
            &d,
            "encoding ISO-8859-1",
        );
        refused(br#"<?xml version="1.1"?><r/>"#, &d, "only 1.0");
        // Namespace declarations are no data and pass.
        assert_eq!(
            value(r#"<r xmlns="urn:x" xmlns:v="urn:v"><a>1</a></r>"#),
            json!({"a": "1"})
        );
    }

    #[test]
    fn hostile_documents_are_refused_cleanly() {
        let small = XmlLimits {
            max_depth: 5,
            max_elements: 10,
        };
        // A million nested elements: refused at the limit, never recursed into.
        let deep = "<a>".repeat(1_000_000);
        refused(
            deep.as_bytes(),
            &XmlLimits::default(),
            "deeper than 21 levels",
        );
        refused(
            b"<a><a><a><a><a><a>x</a></a></a></a></a></a>",
            &small,
            "deeper than 5 levels",
        );
        // Exactly at the limit is fine.
        assert!(from_xml(b"<a><a><a><a><a>x</a></a></a></a></a>", &small).is_ok());
        // Too many elements, flat.
        let wide = format!("<r type=\"array\">{}</r>", "<a/>".repeat(1_000_000));
        refused(
            wide.as_bytes(),
            &XmlLimits::default(),
            "more than 50000 elements",
        );
        refused(
            format!("<r type=\"array\">{}</r>", "<a/>".repeat(10)).as_bytes(),
            &small,
            "more than 10 elements",
        );
        // Billion laughs: the DOCTYPE is refused before any entity is declared.
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<lolz>&lol2;</lolz>"#;
        refused(laughs.as_bytes(), &small, "DOCTYPE");
        refused(
            br#"<!DOCTYPE r SYSTEM "file:///etc/passwd"><r>&xxe;</r>"#,
            &small,
            "DOCTYPE",
        );
        // An entity nobody declared is not expanded (nor kept as text).
        refused(b"<r>&lol;</r>", &small, "undefined entity &lol;");
        refused(b"<r>&#0;</r>", &small, "no character XML 1.0 allows");
        refused(b"<r>&#x1;</r>", &small, "no character XML 1.0 allows");
        refused(b"<r>&#xZZ;</r>", &small, "no character XML 1.0 allows");
        refused(br#"<entry key="&lol;">1</entry>"#, &small, "attribute key");
        // A huge attribute list costs one pass: refused at the first unknown attribute, or
        // after a few namespace declarations (even repeated ones, which are never compared).
        let attrs = format!(
            "<r {}/>",
            (0..200_000)
                .map(|i| format!("a{i}=\"1\" "))
                .collect::<String>()
        );
        refused(attrs.as_bytes(), &small, "the attribute a0,");
        let xmlns = format!(
            "<r {}/>",
            (0..200_000)
                .map(|i| format!("xmlns:a{i}=\"1\" "))
                .collect::<String>()
        );
        refused(xmlns.as_bytes(), &small, "more than 8 attributes");
        let repeated = format!("<r {}/>", "xmlns:a=\"1\" ".repeat(200_000));
        refused(repeated.as_bytes(), &small, "xmlns:a twice");
        // Broken documents.
        refused(
            b"<r><a>1</a>",
            &small,
            "ends before element <r> (byte 0) is closed",
        );
        refused(b"<r><a>1</a", &small, "not XML");
        refused(b"<r></s>", &small, "not XML");
        refused(b"</r>", &small, "not XML");
        refused(b"<r/><s/>", &small, "second root element <s>");
        refused(b"<r/>tail", &small, "outside the root element");
        refused(b"head<r/>", &small, "outside the root element");
        refused(b"", &small, "no root element");
        refused(b"  \n ", &small, "no root element");
        refused(b"<!-- only a comment -->", &small, "no root element");
        refused(b"<r>a & b</r>", &small, "not XML");
        refused(b"<r a=1/>", &small, "not XML");
        refused(b"<r>\x01</r>", &small, "U+0001");
        refused(b"<1a/>", &small, "no element name");
        refused(b"<r><a;b/></r>", &small, "no element name");
        refused(b"<r>\xff\xfe</r>", &small, "not UTF-8");
        refused(b"\xff\xfe<\0r\0/\0>\0", &small, "not UTF-8");
        refused(b"<\0r\0/\0>\0", &small, "U+0000");
        refused(b"<r>caf\xe9</r>", &small, "at byte 6");
        refused(b"<r/><?xml version=\"1.0\"?>", &small, "declaration");
    }

    #[test]
    fn no_input_panics() {
        // Every prefix of a varied document, and single-byte corruptions of it, give a value or
        // an error, never a panic.
        let doc = to_xml(
            "integration-run",
            &json!({"a b": [1, {"c": null, "d": "<&>"}], "e": 1.5, "f": true, "g": {}, "h": ""}),
        )
        .unwrap();
        let doc = format!("{doc}<!--x--><?p q?>");
        let bytes = doc.as_bytes();
        for end in 0..=bytes.len() {
            let _ = from_xml(&bytes[..end], &XmlLimits::default());
        }
        for at in 0..bytes.len() {
            for b in [
                b'<', b'>', b'&', b'/', b'"', b'=', b'!', b'?', b'#', b';', 0xC3, 0,
            ] {
                let mut corrupt = bytes.to_vec();
                corrupt[at] = b;
                let _ = from_xml(&corrupt, &XmlLimits::default());
            }
        }
    }
}
