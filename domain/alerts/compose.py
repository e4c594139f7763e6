"""The alert emails: a nightly digest per recipient, or one email per severe shift.

multipart/alternative, plain text first then HTML. Everything that came from
an article (quotes, titles, speakers, source names, URLs) is escaped in the
HTML, and a link is only made from an http(s) URL, so a hostile page cannot
inject markup or script into an analyst's mail client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from html import escape
from typing import Any
from urllib.parse import urlsplit

MAX_QUOTES = 3


def message_id(alert_ids: Sequence[str], domain: str = "stancewatch.local") -> str:
    """Deterministic Message-ID: a resend of the same alerts is recognisably the same email."""
    digest = hashlib.sha256("|".join(sorted(alert_ids)).encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def subject(alerts: Sequence[dict[str, Any]], run_id: str, channel: str) -> str:
    n = len(alerts)
    high = sum(1 for a in alerts if a["severity"] == "high")
    if channel == "immediate":
        a = alerts[0]
        return f"stancewatch ALERT: {_key(a)} {a['previous_stance']} -> {a['new_stance']} ({a['severity']})"
    plural = "shift" if n == 1 else "shifts"
    return f"stancewatch {run_id}: {n} stance {plural}" + (f" ({high} high)" if high else "")


def build(
    alerts: Sequence[dict[str, Any]],
    evidence: dict[str, dict[str, list[dict[str, Any]]]],
    sender: str,
    recipient: str,
    run_id: str,
    channel: str = "digest",
    failing_sources: Sequence[dict[str, Any]] = (),
) -> EmailMessage:
    """One email carrying `alerts` (rows of queued_alerts) with their evidence."""
    msg = EmailMessage()
    msg["Subject"] = subject(alerts, run_id, channel)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id([a["alert_id"] for a in alerts])
    msg.set_content(_text(alerts, evidence, run_id, failing_sources))
    msg.add_alternative(_html(alerts, evidence, run_id, failing_sources), subtype="html")
    return msg


def _key(a: dict[str, Any]) -> str:
    target = a["target"] or "(no target)"
    topic = a["topic"] or "(no topic)"
    return f"{a['actor']} -> {target} / {topic}"


def _who(s: dict[str, Any]) -> str:
    parts = [p for p in (s.get("speaker"), s.get("speaker_role")) if p]
    return ", ".join(parts) or "no speaker named"


# ----------------------------------------------------------------------------- plain text
def _text(
    alerts: Sequence[dict[str, Any]],
    evidence: dict[str, dict[str, list[dict[str, Any]]]],
    run_id: str,
    failing: Sequence[dict[str, Any]],
) -> str:
    lines = [f"stancewatch found {len(alerts)} stance shift(s) in the night {run_id}.", ""]
    for i, a in enumerate(alerts, 1):
        lines += [
            f"{i}. {_key(a)}: {a['previous_stance']} -> {a['new_stance']} [{a['severity']}, {a['kind']}]",
            f"   Why: {a['reason']}",
        ]
        sides = evidence.get(a["shift_id"], {})
        for side, label, day in (("previous", "Before", a["previous_on"]), ("new", "Now", a["new_on"])):
            lines.append(f"   {label} ({day}):")
            for s in sides.get(side, [])[:MAX_QUOTES]:
                lines += [
                    f'     "{s["sentence"]}"',
                    f"       -- {_who(s)}; {s['source']}, {s['stated_on']}",
                    f"       {s['url']}",
                ]
        lines.append("")
    lines += _failing_text(failing)
    lines.append("Query the warehouse for more: SELECT * FROM stance_shifts ORDER BY new_on DESC;")
    return "\n".join(lines) + "\n"


def _failing_text(failing: Sequence[dict[str, Any]]) -> list[str]:
    if not failing:
        return []
    lines = ["Sources failing night after night:"]
    lines += [f"  - {f['source']} ({f['nights']} nights): {f['last_error']}" for f in failing]
    return lines + [""]


# ----------------------------------------------------------------------------- HTML
def _link(url: str | None) -> str:
    """An escaped link for http(s) URLs; anything else is shown as text only."""
    url = url or ""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return escape(url)
    return f'<a href="{escape(url, quote=True)}">{escape(url)}</a>'


def _html(
    alerts: Sequence[dict[str, Any]],
    evidence: dict[str, dict[str, list[dict[str, Any]]]],
    run_id: str,
    failing: Sequence[dict[str, Any]],
) -> str:
    out = [
        '<!DOCTYPE html><html><body style="font-family:sans-serif">',
        f"<h2>stancewatch: {len(alerts)} stance shift(s), night {escape(str(run_id))}</h2>",
    ]
    for a in alerts:
        out.append(
            f"<h3>{escape(_key(a))}: <b>{escape(a['previous_stance'])}</b> &rarr; "
            f"<b>{escape(a['new_stance'])}</b> "
            f"<small>[{escape(a['severity'])}, {escape(a['kind'])}]</small></h3>"
        )
        out.append(f"<p><i>Why:</i> {escape(a['reason'])}</p>")
        sides = evidence.get(a["shift_id"], {})
        for side, label, day in (("previous", "Before", a["previous_on"]), ("new", "Now", a["new_on"])):
            out.append(f"<p><b>{label}</b> ({escape(str(day))}):</p><ul>")
            for s in sides.get(side, [])[:MAX_QUOTES]:
                out.append(
                    f"<li><blockquote>&ldquo;{escape(s['sentence'])}&rdquo;</blockquote>"
                    f"{escape(_who(s))}; {escape(str(s['source']))}, {escape(str(s['stated_on']))}<br>"
                    f"{_link(s['url'])}</li>"
                )
            out.append("</ul>")
    if failing:
        out.append("<h3>Sources failing night after night</h3><ul>")
        out += [
            f"<li>{escape(f['source'])} ({f['nights']} nights): {escape(str(f['last_error']))}</li>" for f in failing
        ]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)
