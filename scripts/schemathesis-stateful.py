"""What schemathesis' stateful phase did, from its NDJSON events (scripts/schemathesis).

Prints how many scenarios ran, how many steps followed a link of the document and how many of
those were answered 2xx, which links were covered, and the longest sequence of linked steps with
its answers. Exits 1 when no step followed a link: the stateful phase then tested nothing more than
the fuzzing phase did (no links in the document, or none it could follow).

Usage: schemathesis-stateful.py EVENTS.ndjson OPENAPI.json
"""

import json
import sys


def main(events_path: str, document_path: str) -> int:
    with open(document_path) as f:
        document = json.load(f)
    labels = {}
    declared = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            labels[operation["operationId"]] = f"{method.upper()} {path}"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for name, link in response.get("links", {}).items():
                    target = labels[link["operationId"]]
                    declared.add(f"{method.upper()} {path} -> [{status}] {name} -> {target}")

    scenarios = followed = answered = 0
    covered = set()
    longest: list[str] = []
    with open(events_path) as f:
        for line in f:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished or finished["phase"] != "stateful" or finished["is_final"]:
                continue
            cases = finished["recorder"].get("cases", {})
            if not cases:
                continue
            scenarios += 1
            interactions = finished["recorder"].get("interactions", {})
            steps = {}
            for case_id, case in cases.items():
                value = case["value"]
                response = (interactions.get(case_id) or {}).get("response") or {}
                status = response.get("status_code")
                transition = case.get("transition") if case.get("is_transition_applied") else None
                if transition:
                    followed += 1
                    covered.add(transition["id"])
                    if status is not None and 200 <= status < 300:
                        answered += 1
                path = value["path"]
                for name, parameter in (value.get("path_parameters") or {}).items():
                    path = path.replace(f"{{{name}}}", str(parameter))
                steps[case_id] = (
                    transition["parent_id"] if transition else None,
                    f"{value['method']} {path} → {status}",
                )
            for case_id in steps:
                chain = []
                while case_id in steps:
                    parent, step = steps[case_id]
                    chain.append(step)
                    case_id = parent
                if len(chain) > len(longest):
                    longest = chain[::-1]

    print(
        f"scripts/schemathesis: stateful: {scenarios} scenarios; {followed} steps followed a link, "
        f"{answered} of them answered 2xx; {len(covered & declared)} of the document's "
        f"{len(declared)} links covered"
    )
    if longest:
        print(f"scripts/schemathesis: longest sequence ({len(longest)} steps):")
        for step in longest:
            print(f"    {step}")
    uncovered = sorted(declared - covered)
    if uncovered:
        print(f"scripts/schemathesis: links not followed this time ({len(uncovered)}):")
        for link in uncovered:
            print(f"    {link}")
    if followed == 0:
        print("scripts/schemathesis: FAILED: the stateful phase followed no link", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
