"""The bundled demo site, night by night, served by a LocalSite.

The demo site is a set of "nights": `site/night-1/`, `site/night-2/`, ...
Night N shows each path from the newest night <= N that has it, so a later
night only holds what changed. `{{BASE}}` in a file becomes the server's
own address.
"""

from __future__ import annotations

from pathlib import Path

from stancewatch.localsite import LocalSite

SITE = Path(__file__).resolve().parent / "site"


def night_files(night: int, base: str, site: Path = SITE) -> dict[str, bytes]:
    """{url path: body} of the demo site as it stands on `night`."""
    files: dict[str, bytes] = {}
    for n in range(1, night + 1):
        root = site / f"night-{n}"
        for file in root.rglob("*"):
            if file.is_file():
                files["/" + file.relative_to(root).as_posix()] = file.read_bytes().replace(b"{{BASE}}", base.encode())
    return files


class DemoServer(LocalSite):
    """`with DemoServer() as s: s.night = 2` serves night 2."""

    @property
    def night(self) -> int:
        return self._night

    @night.setter
    def night(self, number: int) -> None:
        self._night = number
        self.files = night_files(number, self.base)
