//! Global ids (Relay's Global Object Identification): `base64("Type:id")`, as graphql-relay-js's
//! `toGlobalId` writes them, for every object type with an id (`types::object::Node`).

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::STANDARD};

/// The names of the types that implement `Node` (a test holds them to the schema's).
pub(crate) const NODE_TYPES: &[&str] = &[
    "Integration",
    "IntegrationRun",
    "IntegrationError",
    "IntegrationHistoryRecord",
    "IntegrationRecordResponse",
    "User",
    "IntegrationContact",
    "IntegrationAlert",
    "WebhookEndpoint",
    "WebhookDelivery",
    "DeliveryAttempt",
];

/// The global id of the object of type `type_name` with id `id`: `base64("Type:id")`, as
/// graphql-relay-js's `toGlobalId` writes it. Opaque to clients; `node(nodeId:)` reads it back.
pub(crate) fn node_id(type_name: &str, id: i32) -> ID {
    ID(STANDARD.encode(format!("{type_name}:{id}")))
}

/// The type name and id a global id stands for; `None` for anything that is not one of ours.
pub(crate) fn parse_node_id(node_id: &str) -> Option<(String, i32)> {
    // A global id is short; a long one cannot be ours and is not worth decoding.
    if node_id.len() > 128 {
        return None;
    }
    let text = String::from_utf8(STANDARD.decode(node_id).ok()?).ok()?;
    let (type_name, id_text) = text.split_once(':')?;
    let id: i32 = id_text.parse().ok()?;
    // `+1` or `01` parse as 1, but are not the id we wrote: one object, one global id.
    (id.to_string() == id_text && NODE_TYPES.contains(&type_name))
        .then(|| (type_name.to_owned(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_global_id_reads_back_and_nothing_else_does() {
        let id = node_id("IntegrationRun", 42);
        assert_eq!(id.0, "SW50ZWdyYXRpb25SdW46NDI=");
        assert_eq!(parse_node_id(&id), Some(("IntegrationRun".to_owned(), 42)));
        for garbled in [
            "",
            "%%%",
            "SW50ZWdyYXRpb25SdW4=",
            &STANDARD.encode("IntegrationRun:+42"),
            &STANDARD.encode("IntegrationRun:042"),
            &STANDARD.encode("IntegrationRun:99999999999"),
            &"A".repeat(10_000),
        ] {
            assert_eq!(parse_node_id(garbled), None, "{garbled}");
        }
    }

    #[test]
    fn the_node_types_are_the_schemas() {
        let sdl = crate::graphql::sdl();
        let mut implementing: Vec<&str> = sdl
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("type ")?;
                let (name, rest) = rest.split_once(' ')?;
                rest.starts_with("implements Node").then_some(name)
            })
            .collect();
        implementing.sort_unstable();
        let mut ours = NODE_TYPES.to_vec();
        ours.sort_unstable();
        assert_eq!(implementing, ours);
    }
}
