"""What `stancewatch demo` prints at the end: what it found, the alert email, and SQL to try."""

from __future__ import annotations

import sys
from email.message import EmailMessage
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path

TRY_SQL = "SELECT stated_on, actor, stance, topic, speaker, sentence FROM statements WHERE topic = 'sanctions'"


def print_findings(db: Path, mail: list[EmailMessage], mail_dir: Path, console: Console) -> None:
    """Summarise the demo warehouse and show the alert email."""
    with open_reader(published_path(db)) as wh:
        articles = wh.scalar("SELECT count(*) FROM articles")
        statements = wh.query("SELECT actor, stance, count(*) AS n FROM statements GROUP BY ALL ORDER BY ALL")
        shifts = wh.query(
            "SELECT new_on, actor, target, topic, previous_stance, new_stance, severity "
            "FROM stance_shifts ORDER BY new_on"
        )
        failures = wh.query("SELECT DISTINCT source, error FROM fetch_log WHERE status = 'failed'")
    console.print(
        f"\n[bold]{articles} articles[/] and [bold]{sum(r['n'] for r in statements)} statements[/] "
        f"in {db} (published copy: {published_path(db)})"
    )
    cols = ("new_on", "actor", "target", "topic", "previous_stance", "new_stance", "severity")
    table = Table(title="Stance shifts")
    for col in cols:
        table.add_column(col)
    for r in shifts:
        table.add_row(*(str(r[c] or "") for c in cols))
    console.print(table)
    for f in failures:
        console.print(f"[yellow]recorded failure[/] {f['source']}: {f['error']}")
    _show_mail(mail, mail_dir, console)
    console.print(f'\nTry it:  [bold]{command()} sql --db {db} "{TRY_SQL}"[/]')
    console.print(f"and:     [bold]{command()} report --db {db} --out report.html[/]")


def command() -> str:
    """How the user ran stancewatch (".venv/bin/stancewatch" before the venv is activated)."""
    invoked = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("stancewatch")
    return str(invoked) if invoked.name == "stancewatch" else "stancewatch"


def _show_mail(mail: list[EmailMessage], mail_dir: Path, console: Console) -> None:
    mail_dir.mkdir(exist_ok=True)
    for i, msg in enumerate(mail, 1):
        (mail_dir / f"{i:02d}.eml").write_bytes(msg.as_bytes())
    if not mail:
        console.print("No alert email was sent.")
        return
    first = mail[0]
    body = first.get_body(preferencelist=("plain",))
    console.print(Panel(body.get_content() if body else "", title=f"To: {first['To']}  Subject: {first['Subject']}"))
    console.print(f"{len(mail)} email(s) saved in {mail_dir}/ (open the .eml files in a mail client for the HTML part)")
