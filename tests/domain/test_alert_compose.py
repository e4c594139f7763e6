"""Alert emails: structure, content, escaping of article text, subscriptions."""

from datetime import date

from stancewatch.domain.alerts import compose
from stancewatch.domain.alerts.subscriptions import alert_rows
from stancewatch.domain.config import AlertSettings, Recipient
from stancewatch.domain.shifts import Record, Shift

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
ALERT = {
    "alert_id": "a1",
    "shift_id": "s1",
    "recipient": "x@example.org",
    "channel": "digest",
    "actor": "CHN",
    "target": "",
    "topic": "sanctions",
    "previous_stance": "oppose",
    "new_stance": "support",
    "previous_on": date(2024, 3, 5),
    "new_on": date(2024, 3, 12),
    "kind": "reversal",
    "severity": "high",
    "reason": "CHN's stance on sanctions moved from oppose to support.",
}


def statement(sentence: str, url: str, speaker: str = "Mao Ning") -> dict:
    return {
        "sentence": sentence,
        "speaker": speaker,
        "speaker_role": "Spokesperson",
        "source": "MFA " + HOSTILE,
        "stated_on": date(2024, 3, 5),
        "url": url,
    }


EVIDENCE = {
    "s1": {
        "previous": [statement("We oppose sanctions. " + HOSTILE, "https://example.org/a?x=1&y=2")],
        "new": [statement("We support sanctions.", "javascript:alert(3)", speaker=HOSTILE)],
    }
}


def test_the_digest_is_text_then_html_with_both_quotes_dates_and_links():
    msg = compose.build([ALERT], EVIDENCE, "sw <sw@example.org>", "x@example.org", "2024-03-12")
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Subject"] == "stancewatch 2024-03-12: 1 stance shift (1 high)"
    text = msg.get_body(("plain",)).get_content()
    assert "We oppose sanctions." in text and "We support sanctions." in text
    assert "2024-03-05" in text and "2024-03-12" in text and "https://example.org/a?x=1&y=2" in text
    assert msg["Message-ID"] == compose.build([ALERT], EVIDENCE, "s", "x", "r")["Message-ID"]  # stable on resend


def test_article_text_cannot_inject_markup_into_the_html_part():
    html = compose.build([ALERT], EVIDENCE, "s", "x@example.org", "2024-03-12").get_body(("html",)).get_content()
    assert "<script" not in html and "<img" not in html  # present only as escaped text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html  # only http(s) URLs become links
    assert '<a href="https://example.org/a?x=1&amp;y=2">' in html


def test_subscriptions_filter_by_actor_topic_and_severity_and_add_immediate_mail():
    shift = Shift(
        Record("CHN", "", "sanctions", date(2024, 3, 5), "oppose", ("a",), ("s",)),
        Record("CHN", "", "sanctions", date(2024, 3, 12), "support", ("b",), ("s",)),
        "reversal",
        "high",
        None,
    )
    settings = AlertSettings(
        recipients=[
            Recipient(email="all@example.org"),
            Recipient(email="russia@example.org", actors=["RUS"]),
            Recipient(email="trade@example.org", topics=["trade"]),
            Recipient(email="oncall@example.org", min_severity="high", immediate=True),
        ]
    )
    rows = alert_rows(settings, shift, "2024-03-12")
    assert {(r["recipient"], r["channel"]) for r in rows} == {
        ("all@example.org", "digest"),
        ("oncall@example.org", "digest"),
        ("oncall@example.org", "immediate"),
    }
    assert alert_rows(AlertSettings(enabled=False, recipients=[Recipient(email="a@b.c")]), shift, "r") == []
