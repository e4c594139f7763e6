"""`stancewatch demo`: the real nightly flow over a bundled site of our own making.

Two nights are replayed: on the first (2022-02-26) the feeds carry the
project's seed article (Wang Yi: China opposes unilateral sanctions) among
others; on the second (2022-03-10) a FICTIONAL transcript has China support
sanctions, which the shift stage must catch. One source answers 404 to show
how failures are recorded.
"""

from __future__ import annotations

import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml

from stancewatch.demo.mailcatcher import MailCatcher
from stancewatch.demo.server import DemoServer

HERE = Path(__file__).resolve().parent
#: demo night number -> the run_id (night) it is stored under
NIGHTS: dict[int, str] = {1: "2022-02-26", 2: "2022-03-10"}
DEMO_CONFIG = HERE / "config.yaml"
DEMO_RECIPIENT = "analyst@example.org"


def write_sources(base: str, folder: Path) -> Path:
    """The demo sources file with the server's address filled in."""
    path = folder / "sources.yaml"
    path.write_text((HERE / "sources.yaml").read_text().replace("{{BASE}}", base))
    return path


def write_config(smtp_port: int, folder: Path) -> Path:
    """The demo configuration, mailing one analyst through the local mail catcher."""
    data = yaml.safe_load(DEMO_CONFIG.read_text())
    data["alerts"] = {
        "sender": "stancewatch demo <stancewatch@localhost>",
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "user": ""},
        "recipients": [{"email": DEMO_RECIPIENT}],
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def run_demo(db: Path, quiet: bool = False) -> tuple[list[dict[str, Any]], list[EmailMessage]]:
    """Serve the demo site, run each demo night into `db`; returns the summaries and the mail sent."""
    from stancewatch.flows.nightly import run_night  # Prefect is imported only when needed

    summaries = []
    with DemoServer() as server, MailCatcher() as mail, tempfile.TemporaryDirectory(prefix="stancewatch-demo-") as tmp:
        sources = write_sources(server.base, Path(tmp))
        config = write_config(mail.port, Path(tmp))
        for number, night in NIGHTS.items():
            server.night = number
            summaries.append(run_night(sources, db, config=config, night=night, quiet=quiet))
        return summaries, list(mail.messages)
