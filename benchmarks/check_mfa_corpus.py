"""Check the MFA press-conference extractor against saved real pages.

    python -m benchmarks.check_mfa_corpus CORPUS_DIR [--gold dev.jsonl] [--listings DIR] [-v]

CORPUS_DIR is `.../corpora/mfa-press-conferences` (gzip HTML + index.jsonl) or the `corpora`
folder holding it. Nothing is copied anywhere. Per page it prints turns, questions, answers and
the spokesperson, then every problem the checks of `tests.support.mfa_check` found (marker counts,
structure, identity, the gold answers, the listing pages). Exit status 1 when any hard check
fails; rhetorical-question warnings alone do not fail.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from tests.support.mfa_check import PageReport, check_gold, check_listings, check_page


def main(argv: list[str] | None = None) -> int:
    """Run all checks and print per-page lines, flagged pages and totals."""
    args = _arguments(argv)
    corpus = (
        args.corpus_dir if (args.corpus_dir / "index.jsonl").exists() else args.corpus_dir / "mfa-press-conferences"
    )
    index = [json.loads(line) for line in (corpus / "index.jsonl").read_text().splitlines()]
    totals: Counter[str] = Counter()
    transcripts: dict[str, object] = {}
    reports: list[PageReport] = []
    for entry in index:
        html = gzip.decompress((corpus / entry["file"]).read_bytes())
        report, transcript = check_page(entry["file"], html, entry["title"])
        reports.append(report)
        if transcript is not None:
            transcripts[entry["url"]] = transcript
        totals.update(pages=1, turns=report.turns, questions=report.questions, answers=report.answers)
        totals.update(flagged=bool(report.problems), warned=bool(report.warnings))
        print(
            f"{entry['file']}: {report.turns} turns, {report.questions} questions, "
            f"{report.answers} answers, spokesperson {report.spokesperson or '?'}"
            f"{'  PROBLEMS ' + str(len(report.problems)) if report.problems else ''}"
        )
    failed = _print_flags(reports, args.verbose)
    print(
        f"\npages {totals['pages']}, turns {totals['turns']}, questions {totals['questions']}, "
        f"answers {totals['answers']} (incl. openings), pages with problems {totals['flagged']}, "
        f"pages with warnings {totals['warned']}"
    )
    gold = args.gold or corpus.parent.parent / "gold" / "dev.jsonl"
    if gold.exists():
        matched, checked, failures = check_gold(gold, transcripts)
        print(f"gold: {matched}/{checked} MFA gold units match their answer turn")
        print("".join(f"  {failure}\n" for failure in failures), end="")
        failed = failed or matched != checked
    listings = args.listings or corpus.parent / "mfa-listing-pages"
    if listings.exists():
        found, problems = check_listings(listings)
        print(f"listings: {found} links; problems: {len(problems)}")
        print("".join(f"  {problem}\n" for problem in problems), end="")
        failed = failed or bool(problems)
    return 1 if failed else 0


def _print_flags(reports: list[PageReport], verbose: bool) -> bool:
    """Print each page's problems (and warnings with -v); True if any problem."""
    print()
    for report in reports:
        for problem in report.problems:
            print(f"PROBLEM {report.file}: {problem}")
        for warning in report.warnings if verbose else []:
            print(f"warning {report.file}: {warning}")
    warned = sum(len(report.warnings) for report in reports)
    if warned and not verbose:
        print(f"({warned} warnings; -v to list them)")
    return any(report.problems for report in reports)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("corpus_dir", type=Path, help="mfa-press-conferences folder or corpora root")
    parser.add_argument("--gold", type=Path, help="gold JSONL (default: ../../gold/dev.jsonl)")
    parser.add_argument("--listings", type=Path, help="listing pages folder (default: sibling)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list warnings too")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
