"""``redline alerts`` and ``redline decide``: review alerts and record decisions."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from redline.cli.common import console, print_json, store
from redline.errors import ConfigError
from redline.screening import alerts as workflow


def _changes_lines(changes: dict[str, Any] | None) -> list[str]:
    """``customer name: - old + new`` lines for a re-alert."""
    lines: list[str] = []
    for side in ("customer", "entity"):
        for prop, change in ((changes or {}).get(side) or {}).items():
            removed = "; ".join(change.get("removed", []))
            added = "; ".join(change.get("added", []))
            text = f"{side} {prop}:"
            if removed:
                text += f" - {removed}"
            if added:
                text += f" + {added}"
            lines.append(text)
    return lines


def alerts_cmd(
    status: Annotated[
        str | None,
        typer.Option(help=f"Only this status: {', '.join(workflow.STATUSES)}."),
    ] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer id.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only this listed entity id.")] = None,
    alert_id: Annotated[
        int | None, typer.Option("--id", help="Show one alert in full, with its decisions.")
    ] = None,
    include_superseded: Annotated[
        bool, typer.Option("--all", help="Also alerts replaced by a newer one.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many alerts.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List alerts, newest first (the current alert of each customer × entity pair).

    Example: redline alerts --status open
    """
    with store() as (db, _conf):
        if alert_id is not None:
            detail = workflow.alert_detail(db, alert_id)
        else:
            found = workflow.alerts(
                db,
                status=status,
                customer_id=customer,
                entity_id=entity,
                include_superseded=include_superseded,
                limit=limit,
            )
    if alert_id is not None:
        if as_json:
            print_json(detail)
        else:
            _show(detail)
        return
    if as_json:
        print_json([a.to_dict() for a in found])
        return
    if not found:
        console.print("no alerts" + (f" with status {status}" if status else ""))
        return
    table = Table("alert", "status", "score", "customer", "listed party", "source", "why")
    for a in found:
        names = a.explanation.get("query_name", ""), a.explanation.get("matched_name", "")
        why = a.reason or (f"{names[0]} ~ {names[1]}" if all(names) else "")
        if a.previous_id is not None:
            why = f"re-alert of {a.previous_id}: data changed. " + why
        table.add_row(
            str(a.id),
            a.status,
            f"{a.score:.2f}",
            f"{a.customer_id} {a.customer.caption}",
            f"{a.entity_id} {a.caption}",
            a.source,
            why,
        )
    console.print(table)
    for a in found:
        lines = _changes_lines(a.changes)
        if lines:
            console.print(f"alert {a.id} changed since alert {a.previous_id}:")
            for line in lines:
                console.print(f"  {line}", soft_wrap=True)


def _show(detail: dict[str, Any]) -> None:
    console.print(
        f"[bold]alert {detail['id']}[/] {detail['status']}"
        + (f" ({detail['reason']})" if detail["reason"] else "")
    )
    console.print(f"customer {detail['customer_id']}: {detail['customer_caption']}")
    console.print(
        f"listed   {detail['entity_id']}: {detail['caption']} "
        f"({detail['source']}, snapshot {detail['snapshot_id']})"
    )
    explanation = detail["explanation"]
    console.print(
        f"score {detail['score']:.2f} ({detail['algorithm']}): "
        f"{explanation.get('query_name', '')} ~ {explanation.get('matched_name', '')}"
    )
    for feature, item in explanation.get("features", {}).items():
        effect = f"{item['score']:.2f}" if feature == "name_match" else f"{item['score']:+.2f}"
        console.print(f"  {feature} {effect} {item['detail']}", soft_wrap=True)
    for line in _changes_lines(detail.get("changes")):
        console.print(f"  changed: {line}", soft_wrap=True)
    if detail["history"]:
        console.print("replaces alert(s) " + ", ".join(str(i) for i in detail["history"]))
    for d in detail["decisions"]:
        console.print(
            f"  {d['decided_at']} {d['user']}: {d['decision']} — {d['reason']}", soft_wrap=True
        )


def decide_cmd(
    alert: Annotated[int, typer.Argument(help="Alert id (see 'redline alerts').")],
    true_match: Annotated[
        bool, typer.Option("--true-match", help="The customer is the listed party.")
    ] = False,
    false_positive: Annotated[
        bool, typer.Option("--false-positive", help="Not the listed party.")
    ] = False,
    escalate: Annotated[bool, typer.Option("--escalate", help="Needs a second look.")] = False,
    reason: Annotated[str, typer.Option(help="Why: kept with the decision.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who decides.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Record a decision on an alert; decisions are appended, never edited.

    A false positive stays quiet until the customer's or the listed party's screened
    data changes; then a new alert shows what changed.

    Example: redline decide 12 --false-positive --reason "other birth date" --by alice
    """
    chosen = [
        name
        for name, flag in (
            ("true_match", true_match),
            ("false_positive", false_positive),
            ("escalate", escalate),
        )
        if flag
    ]
    if len(chosen) != 1:
        raise ConfigError("give exactly one of --true-match, --false-positive, --escalate")
    with store() as (db, _conf):
        updated, made = workflow.decide(db, alert, chosen[0], reason=reason, user=by)
    if as_json:
        print_json({"alert": updated.to_dict(), "decision": made.to_dict()})
        return
    console.print(
        f"alert {updated.id}: {made.previous_status} → [bold]{updated.status}[/] "
        f"by {made.user} ({made.reason})"
    )
