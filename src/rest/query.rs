//! The vendor's query conventions on index: `attr[op]=value` filters (dashes or underscores),
//! association filters (`integration[code]=X`), `offset`/`limit` (50 by default and at most),
//! `order_by`/`dir`, `return_object` and `fields`, parsed into a SeaORM [`Condition`] and paging.

use chrono::{DateTime, NaiveDate, Utc};
use entity::integration;
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Value,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};

use super::format::{Field, Fields, View};
use crate::{
    domain::input::{InputLimits, printable},
    service::{
        paging::{KeyKind, PageArgs, Sort},
        sql::{in_list, like},
    },
};

/// The most items a REST page holds, and the default.
pub const REST_PAGE_SIZE: i32 = 50;

/// The type of a filterable attribute, for reading values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Integer.
    Int,
    /// Text (enumerations too: their stored strings).
    Text,
    /// Boolean.
    Bool,
    /// Timestamp (ISO 8601, or a date meaning its midnight UTC).
    DateTime,
}

/// One filterable and sortable attribute of a resource.
#[derive(Clone, Copy, Debug)]
pub struct Attr<C> {
    /// The REST name, dash-case.
    pub name: &'static str,
    /// Its column.
    pub column: C,
    /// Its type.
    pub kind: Kind,
    /// Whether it may be NULL.
    pub nullable: bool,
}

/// What a resource's index understands.
#[derive(Debug)]
pub struct Spec<C: 'static> {
    /// The attributes.
    pub attrs: &'static [Attr<C>],
    /// The id column (ties in ordering).
    pub id: C,
    /// The column holding the integration, for `integration[…]` filters.
    pub integration: Option<C>,
    /// The column holding the run, for `integration-run[id]` filters.
    pub run: Option<C>,
}

/// The attributes of an integration (also the targets of `integration[…]`).
pub const INTEGRATION_ATTRS: &[Attr<integration::Column>] = {
    use integration::Column as C;
    &[
        Attr {
            name: "id",
            column: C::Id,
            kind: Kind::Int,
            nullable: false,
        },
        Attr {
            name: "code",
            column: C::Code,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "name",
            column: C::Name,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "business-object",
            column: C::BusinessObject,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "direction",
            column: C::Direction,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "end-system",
            column: C::EndSystem,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "end-system-type",
            column: C::EndSystemType,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "integration-type",
            column: C::IntegrationType,
            kind: Kind::Text,
            nullable: true,
        },
        Attr {
            name: "standard",
            column: C::Standard,
            kind: Kind::Bool,
            nullable: false,
        },
        Attr {
            name: "created-at",
            column: C::CreatedAt,
            kind: Kind::DateTime,
            nullable: false,
        },
        Attr {
            name: "updated-at",
            column: C::UpdatedAt,
            kind: Kind::DateTime,
            nullable: false,
        },
    ]
};

/// A parsed index request.
#[derive(Debug)]
pub struct ListQuery<C> {
    /// The filter.
    pub condition: Condition,
    /// The ordering.
    pub sort: Sort<C>,
    /// `offset`/`limit`.
    pub page: PageArgs,
    /// `return_object`.
    pub view: View,
    /// `fields`.
    pub fields: Option<Fields>,
}

/// The options every request may carry (`return_object`, `fields`), without filters.
#[derive(Debug, Default)]
pub struct Options {
    /// `return_object`.
    pub view: View,
    /// `fields`.
    pub fields: Option<Fields>,
}

/// Decodes a query string into its pairs.
fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, String> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .map_err(|e| format!("the query string cannot be read: {e}"))?;
    for (key, value) in &pairs {
        printable(key).map_err(|m| format!("the parameter name {key:?} {m}"))?;
        printable(value).map_err(|m| format!("the value of {key} {m}"))?;
    }
    Ok(pairs)
}

/// Bounds one filter parameter as GraphQL bounds filters: values of an `in` list, the length of
/// a text pattern.
fn bounded(
    limits: &InputLimits,
    in_values: &mut usize,
    key: &str,
    value: &str,
) -> Result<(), String> {
    let op = key
        .rsplit_once('[')
        .map(|(_, op)| op.trim_end_matches(']').replace('_', "-"))
        .unwrap_or_default();
    match op.as_str() {
        "in" | "not-in" => {
            *in_values += value.split(',').count();
            if *in_values > limits.max_in_values {
                return Err(format!(
                    "{key}: the in/not_in lists of a query may hold at most {} values together ({} given so far; --max-filter-in-values)",
                    limits.max_in_values, *in_values
                ));
            }
        }
        "contains" | "starts-with" | "ends-with" if value.len() > limits.max_pattern_bytes => {
            return Err(format!(
                "{key}: the text may be at most {} bytes ({} given; --max-filter-pattern-bytes)",
                limits.max_pattern_bytes,
                value.len()
            ));
        }
        _ => {}
    }
    Ok(())
}

/// `attr`, `attr[op]`, `assoc[attr]`, `assoc[attr][op]`: the names, dash-cased.
fn split_key(key: &str) -> Result<Vec<String>, String> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut parts = vec![head.replace('_', "-")];
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return Err(format!("cannot read the parameter {key:?}"));
        };
        let Some(end) = inner.find(']') else {
            return Err(format!("cannot read the parameter {key:?}"));
        };
        parts.push(inner[..end].to_owned());
        rest = &inner[end + 1..];
    }
    Ok(parts)
}

fn parse_value(attr: &str, kind: Kind, text: &str) -> Result<Value, String> {
    let bad = |what: &str| format!("{attr}: {text:?} is not {what}");
    Ok(match kind {
        Kind::Int => Value::from(text.trim().parse::<i32>().map_err(|_| bad("an integer"))?),
        Kind::Text => Value::from(text.to_owned()),
        Kind::Bool => Value::from(parse_bool(text).ok_or_else(|| bad("true or false"))?),
        Kind::DateTime => Value::from(parse_datetime(text).ok_or_else(|| bad("an ISO 8601 time"))?),
    })
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" | "t" => Some(true),
        "false" | "0" | "f" => Some(false),
        _ => None,
    }
}

fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
}

/// The condition of one `attr[op]=value` on an attribute.
fn condition<C: ColumnTrait>(
    attr: &Attr<C>,
    op: &str,
    text: &str,
    backend: DbBackend,
) -> Result<SimpleExpr, String> {
    let col = attr.column;
    let one = || parse_value(attr.name, attr.kind, text);
    let many = || -> Result<Vec<Value>, String> {
        text.split(',')
            .map(|t| parse_value(attr.name, attr.kind, t.trim()))
            .collect()
    };
    // The whole list as one parameter (service::sql::in_list), typed as the column is.
    let list = |negate: bool| -> Result<SimpleExpr, String> {
        let values = many()?;
        Ok(match attr.kind {
            Kind::Int => {
                // Each parsed above (`many`), so none is dropped here.
                let ints: Vec<i32> = text
                    .split(',')
                    .filter_map(|t| t.trim().parse().ok())
                    .collect();
                in_list(col, &ints, backend, negate)
            }
            Kind::Text => {
                let texts: Vec<String> = text.split(',').map(|t| t.trim().to_owned()).collect();
                in_list(col, &texts, backend, negate)
            }
            Kind::DateTime => {
                let times: Vec<DateTime<Utc>> = text
                    .split(',')
                    .filter_map(|t| parse_datetime(t.trim()))
                    .collect();
                in_list(col, &times, backend, negate)
            }
            Kind::Bool if negate => col.is_not_in(values),
            Kind::Bool => col.is_in(values),
        })
    };
    let text_only = |name: &str| {
        if attr.kind == Kind::Text {
            Ok(())
        } else {
            Err(format!(
                "the operator {name} applies to text attributes, not {}",
                attr.name
            ))
        }
    };
    Ok(match op {
        "" | "eq" => col.eq(one()?),
        "not-eq" => col.ne(one()?),
        "gt" => col.gt(one()?),
        "lt" => col.lt(one()?),
        "gt-or-eq" => col.gte(one()?),
        "lt-or-eq" => col.lte(one()?),
        "in" => list(false)?,
        "not-in" => list(true)?,
        "contains" => {
            text_only("contains")?;
            like(col, "%", text, "%")
        }
        "starts-with" => {
            text_only("starts_with")?;
            like(col, "", text, "%")
        }
        "ends-with" => {
            text_only("ends_with")?;
            like(col, "%", text, "")
        }
        "blank" => {
            let blank = parse_bool(text)
                .ok_or_else(|| format!("{}[blank]: {text:?} is not true or false", attr.name))?;
            let is_blank = if attr.kind == Kind::Text {
                Expr::col(col.as_column_ref())
                    .is_null()
                    .or(Expr::col(col.as_column_ref()).eq(""))
            } else {
                Expr::col(col.as_column_ref()).is_null()
            };
            if blank { is_blank } else { is_blank.not() }
        }
        other => {
            return Err(format!(
                "unknown operator {other:?} on {}; use one of: contains, starts_with, ends_with, \
                 blank, gt, lt, gt_or_eq, lt_or_eq, not_eq, in, not_in",
                attr.name
            ));
        }
    })
}

fn find_attr<'a, C>(attrs: &'a [Attr<C>], name: &str) -> Option<&'a Attr<C>> {
    attrs.iter().find(|a| a.name == name)
}

/// The operator of a filter part, dash-cased (`gt_or_eq` → `gt-or-eq`).
fn op_of(parts: &[String], at: usize) -> Result<String, String> {
    match parts.len() {
        n if n == at => Ok(String::new()),
        n if n == at + 1 => Ok(parts[at].replace('_', "-")),
        _ => Err(format!("cannot read the filter {}", parts.join("]["))),
    }
}

/// Parses `return_object` and `fields` alone (on show and on writes), refusing anything else.
pub fn options(query: Option<&str>, known_fields: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    for (key, value) in pairs(query)? {
        match key.replace('-', "_").as_str() {
            "return_object" => options.view = parse_view(&value)?,
            "fields" => options.fields = Some(parse_fields(&value, known_fields)?),
            _ => return Err(format!("unknown parameter {key:?}")),
        }
    }
    Ok(options)
}

fn parse_view(value: &str) -> Result<View, String> {
    View::parse(value)
        .ok_or_else(|| format!("return_object must be none, limited or shallow (not {value:?})"))
}

/// `["id","status",{"integration":["code"]}]`, or `id,status`.
pub fn parse_fields(value: &str, known: &[String]) -> Result<Fields, String> {
    let json = if value.trim_start().starts_with('[') {
        serde_json::from_str::<serde_json::Value>(value)
            .map_err(|e| format!("fields is not a JSON list: {e}"))?
    } else {
        serde_json::Value::Array(
            value
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| serde_json::Value::from(s.trim()))
                .collect(),
        )
    };
    let fields = fields_of(&json)?;
    for field in &fields {
        let name = &field.name;
        if !known.iter().any(|k| k == name) {
            return Err(format!(
                "unknown field {name:?}; known: {}",
                known.join(", ")
            ));
        }
    }
    Ok(fields)
}

fn fields_of(json: &serde_json::Value) -> Result<Fields, String> {
    let serde_json::Value::Array(items) = json else {
        return Err("fields must be a list".into());
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            serde_json::Value::String(s) => out.push(Field {
                name: s.replace('_', "-"),
                nested: None,
            }),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push(Field {
                        name: k.replace('_', "-"),
                        nested: Some(fields_of(v)?),
                    });
                }
            }
            _ => return Err(format!("cannot read the field {item}")),
        }
    }
    Ok(out)
}

/// Parses an index query against a resource's spec.
pub fn parse<C: ColumnTrait>(
    limits: &InputLimits,
    backend: DbBackend,
    query: Option<&str>,
    spec: &Spec<C>,
    known_fields: &[String],
) -> Result<ListQuery<C>, String> {
    let mut condition = Condition::all();
    let mut page = PageArgs::default();
    let mut order_by: Option<&Attr<C>> = None;
    let mut descending = false;
    let mut view = View::Full;
    let mut fields = None;
    let mut filters = 0usize;
    let mut in_values = 0usize;
    for (key, value) in pairs(query)? {
        match key.replace('-', "_").as_str() {
            "offset" => {
                page.offset = Some(
                    value
                        .trim()
                        .parse::<i32>()
                        .ok()
                        .filter(|o| *o >= 0)
                        .ok_or_else(|| {
                            format!("offset must be a whole number ≥ 0 (not {value:?})")
                        })?,
                )
            }
            "limit" => {
                let limit = value
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|l| *l >= 0)
                    .ok_or_else(|| format!("limit must be a whole number ≥ 0 (not {value:?})"))?;
                page.limit = Some(Ord::min(limit, i64::from(REST_PAGE_SIZE)) as i32);
            }
            "order_by" => {
                let name = value.replace('_', "-");
                order_by = Some(find_attr(spec.attrs, &name).ok_or_else(|| {
                    format!(
                        "cannot order by {value:?}; use one of: {}",
                        names(spec.attrs)
                    )
                })?);
            }
            "dir" => {
                descending = match value.as_str() {
                    "asc" => false,
                    "desc" => true,
                    other => return Err(format!("dir must be asc or desc (not {other:?})")),
                }
            }
            "return_object" => view = parse_view(&value)?,
            "fields" => fields = Some(parse_fields(&value, known_fields)?),
            _ => {
                filters += 1;
                if filters > limits.max_filter_branches {
                    return Err(format!(
                        "a query may filter on at most {} conditions (--max-filter-branches)",
                        limits.max_filter_branches
                    ));
                }
                bounded(limits, &mut in_values, &key, &value)?;
                condition = condition.add(filter(&key, &value, spec, backend)?)
            }
        }
    }
    let attr = order_by.unwrap_or_else(|| {
        find_attr(spec.attrs, "id").expect("every resource has an id attribute")
    });
    let sort = Sort {
        column: attr.column,
        kind: match attr.kind {
            Kind::Int => KeyKind::Int,
            Kind::DateTime => KeyKind::DateTime,
            Kind::Text | Kind::Bool => KeyKind::Text,
        },
        nullable: attr.nullable,
        descending,
    };
    if attr.kind == Kind::Bool {
        return Err(format!("cannot order by {}", attr.name));
    }
    if page.limit.is_none() {
        page.limit = Some(REST_PAGE_SIZE);
    }
    Ok(ListQuery {
        condition,
        sort,
        page,
        view,
        fields,
    })
}

fn names<C>(attrs: &[Attr<C>]) -> String {
    attrs.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
}

/// The condition of one filter parameter.
fn filter<C: ColumnTrait>(
    key: &str,
    value: &str,
    spec: &Spec<C>,
    backend: DbBackend,
) -> Result<Condition, String> {
    let parts = split_key(key)?;
    let head = parts[0].as_str();
    if let Some(attr) = find_attr(spec.attrs, head) {
        return Ok(Condition::all().add(condition(attr, &op_of(&parts, 1)?, value, backend)?));
    }
    match (head, spec.integration, spec.run) {
        ("integration", Some(col), _) if parts.len() >= 2 => {
            let name = parts[1].replace('_', "-");
            let attr = find_attr(INTEGRATION_ATTRS, &name).ok_or_else(|| {
                format!(
                    "unknown attribute integration[{}]; use one of: {}",
                    parts[1],
                    names(INTEGRATION_ATTRS)
                )
            })?;
            let op = op_of(&parts, 2)?;
            if name == "id" {
                let direct = Attr {
                    name: "integration[id]",
                    column: col,
                    kind: Kind::Int,
                    nullable: true,
                };
                return Ok(Condition::all().add(condition(&direct, &op, value, backend)?));
            }
            let ids = integration::Entity::find()
                .select_only()
                .column(integration::Column::Id)
                .filter(condition(attr, &op, value, backend)?)
                .into_query();
            Ok(Condition::all().add(col.in_subquery(ids)))
        }
        ("integration-run", _, Some(col)) if parts.len() >= 2 && parts[1] == "id" => {
            let direct = Attr {
                name: "integration-run[id]",
                column: col,
                kind: Kind::Int,
                nullable: true,
            };
            Ok(Condition::all().add(condition(&direct, &op_of(&parts, 2)?, value, backend)?))
        }
        _ => Err(format!(
            "unknown attribute {key:?}; filter by one of: {}{}{}",
            names(spec.attrs),
            if spec.integration.is_some() {
                ", integration[id|code|name|…]"
            } else {
                ""
            },
            if spec.run.is_some() {
                ", integration-run[id]"
            } else {
                ""
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use entity::integration_run;
    use sea_orm::{DbBackend, QueryFilter};

    use super::*;

    const RUN_ATTRS: &[Attr<integration_run::Column>] = &[
        Attr {
            name: "id",
            column: integration_run::Column::Id,
            kind: Kind::Int,
            nullable: false,
        },
        Attr {
            name: "status",
            column: integration_run::Column::Status,
            kind: Kind::Text,
            nullable: false,
        },
        Attr {
            name: "total-records",
            column: integration_run::Column::TotalRecords,
            kind: Kind::Int,
            nullable: true,
        },
        Attr {
            name: "created-at",
            column: integration_run::Column::CreatedAt,
            kind: Kind::DateTime,
            nullable: false,
        },
    ];
    const SPEC: Spec<integration_run::Column> = Spec {
        attrs: RUN_ATTRS,
        id: integration_run::Column::Id,
        integration: Some(integration_run::Column::IntegrationId),
        run: None,
    };

    fn sql(query: &str) -> String {
        let parsed = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some(query),
            &SPEC,
            &["id".into(), "status".into()],
        )
        .unwrap();
        integration_run::Entity::find()
            .filter(parsed.condition)
            .build(DbBackend::Sqlite)
            .to_string()
    }

    #[test]
    fn every_operator_becomes_sql() {
        assert!(sql("status=running").contains(r#""status" = 'running'"#));
        assert!(sql("status[not_eq]=running").contains(r#""status" <> 'running'"#));
        assert!(sql("total_records[gt]=5").contains(r#""total_records" > 5"#));
        assert!(sql("total-records[lt]=5").contains(r#""total_records" < 5"#));
        assert!(sql("total-records[gt_or_eq]=5").contains(r#""total_records" >= 5"#));
        assert!(sql("total-records[lt_or_eq]=5").contains(r#""total_records" <= 5"#));
        // An in list is one parameter (a JSON array on SQLite).
        assert!(
            sql("status[in]=running,paused")
                .contains(r#""status" IN (SELECT value FROM json_each('["running","paused"]'))"#)
        );
        assert!(
            sql("status[not_in]=failed")
                .contains(r#""status" NOT IN (SELECT value FROM json_each('["failed"]'))"#)
        );
        let contains = sql("status[contains]=UN");
        assert!(contains.contains("LIKE '%un%'"), "{contains}");
        assert!(sql("status[starts_with]=r_").contains(r#"LIKE 'r\_%'"#));
        assert!(sql("status[ends_with]=ing").contains(r#"LIKE '%ing'"#));
        let blank = sql("status[blank]=true");
        assert!(
            blank.contains(r#""status" IS NULL"#) && blank.contains("= ''"),
            "{blank}"
        );
        let not_blank = sql("total-records[blank]=false");
        assert!(
            not_blank.contains("NOT") && not_blank.contains("IS NULL"),
            "{not_blank}"
        );
        assert!(sql("created-at[gt]=2026-11-01").contains("2026-11-01 00:00:00"));
    }

    #[test]
    fn association_filters_use_the_integration() {
        assert!(sql("integration[code]=SAP").contains(
            r#""integration_id" IN (SELECT "integrations"."id" FROM "integrations" WHERE "integrations"."code" = 'SAP')"#
        ));
        assert!(sql("integration[id]=3").contains(r#""integration_id" = 3"#));
    }

    #[test]
    fn paging_defaults_to_fifty_and_caps_at_fifty() {
        let p = parse(&InputLimits::default(), DbBackend::Sqlite, None, &SPEC, &[]).unwrap();
        assert_eq!(p.page.limit, Some(50));
        let p = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some("limit=500&offset=10&order_by=created_at&dir=desc"),
            &SPEC,
            &[],
        )
        .unwrap();
        assert_eq!(p.page.limit, Some(50));
        assert_eq!(p.page.offset, Some(10));
        assert!(p.sort.descending);
        assert!(
            parse(
                &InputLimits::default(),
                DbBackend::Sqlite,
                Some("limit=-1"),
                &SPEC,
                &[]
            )
            .is_err()
        );
        assert!(
            parse(
                &InputLimits::default(),
                DbBackend::Sqlite,
                Some("dir=up"),
                &SPEC,
                &[]
            )
            .is_err()
        );
    }

    #[test]
    fn unknown_attributes_operators_and_values_are_refused_with_a_message() {
        let known = ["id".to_string()];
        let err = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some("colour=red"),
            &SPEC,
            &known,
        )
        .unwrap_err();
        assert!(
            err.contains("unknown attribute") && err.contains("status"),
            "{err}"
        );
        let err = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some("status[near]=x"),
            &SPEC,
            &known,
        )
        .unwrap_err();
        assert!(err.contains("unknown operator"), "{err}");
        let err = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some("total-records=many"),
            &SPEC,
            &known,
        )
        .unwrap_err();
        assert!(err.contains("not an integer"), "{err}");
        let err = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some("total-records[contains]=1"),
            &SPEC,
            &known,
        )
        .unwrap_err();
        assert!(err.contains("text attributes"), "{err}");
        let err = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some("integration[colour]=x"),
            &SPEC,
            &known,
        )
        .unwrap_err();
        assert!(err.contains("integration[colour]"), "{err}");
    }

    #[test]
    fn fields_and_return_object_are_read() {
        let known = [
            "id".to_string(),
            "status".to_string(),
            "integration".to_string(),
        ];
        let p = parse(
            &InputLimits::default(),
            DbBackend::Sqlite,
            Some(r#"fields=["status",{"integration":["code"]}]&return_object=shallow"#),
            &SPEC,
            &known,
        )
        .unwrap();
        assert_eq!(p.view, View::Shallow);
        assert_eq!(p.fields.unwrap()[1].name, "integration");
        assert!(
            parse(
                &InputLimits::default(),
                DbBackend::Sqlite,
                Some("fields=colour"),
                &SPEC,
                &known
            )
            .is_err()
        );
        assert!(
            parse(
                &InputLimits::default(),
                DbBackend::Sqlite,
                Some("return_object=all"),
                &SPEC,
                &known
            )
            .is_err()
        );
    }
}
