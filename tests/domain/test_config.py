"""The sources file contract and the configuration: valid files load, mistakes are clear errors."""

import pytest
import yaml

from stancewatch.domain.config import ConfigError, load_config, load_sources


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def test_the_shipped_files_load():
    sources = load_sources()
    assert sources.allow_private_networks is False and len(sources.sources) >= 6
    assert load_config().alerts.smtp.password_env == "STANCEWATCH_SMTP_PASSWORD"


def test_the_contract_shape_loads_and_ids_are_stable(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        """
allow_private_networks: false
sources:
  - name: US State Department press releases
    url: https://www.state.gov/rss-feed/press-releases/feed/
    country: usa
    kind: ministry
  - name: MFA
    url: https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/
    kind: ministry
    country: CHN
    listing: true
    extractor: mfa_press_conference
""",
    )
    first, second = load_sources(path).sources
    assert first.country == "USA" and first.source_id == load_sources(path).sources[0].source_id
    assert second.listing and second.extractor == "mfa_press_conference"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sources": [{"name": "x"}]}, "sources.0.url"),
        ({"sources": [{"name": "x", "url": "u", "kind": "blog"}]}, "sources.0.kind"),
        ({"sources": [{"name": "x", "url": "u", "country": "China"}]}, "alpha-3"),
        ({"sources": [{"name": "x", "url": "u", "colour": "red"}]}, "colour"),
        (
            {"sources": [{"name": "x", "url": "https://a.example/f"}, {"name": "y", "url": "https://a.example/f"}]},
            "listed twice",
        ),
        ({"sources": [{"name": "x", "url": "ftp://a.example/f"}]}, "http"),
    ],
)
def test_mistakes_in_the_sources_file_are_named(tmp_path, data, message):
    with pytest.raises(ConfigError, match=message):
        load_sources(write(tmp_path, "s.yaml", data))


def test_a_plaintext_password_is_refused(tmp_path):
    path = write(tmp_path, "c.yaml", {"alerts": {"smtp": {"host": "mail", "password": "hunter2"}}})
    with pytest.raises(ConfigError, match="password may not be written") as info:
        load_config(path)
    assert "hunter2" not in str(info.value)


def test_the_configuration_merges_over_the_defaults(tmp_path):
    cfg = load_config(write(tmp_path, "c.yaml", {"fetch": {"retries": 0}}))
    assert cfg.fetch.retries == 0 and cfg.fetch.max_redirects == 5


def test_broken_yaml_and_missing_files_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "c.yaml", "fetch: [unclosed"))
    with pytest.raises(ConfigError, match="file not found"):
        load_sources(tmp_path / "nope.yaml")


def test_fetch_settings_are_the_fetchers_own_limits(tmp_path):
    from dataclasses import fields

    from stancewatch.extractors.fetch import FetchPolicy

    cfg = load_config()
    policy = FetchPolicy(**cfg.fetch.model_dump())  # every configured key is a policy field
    assert {f.name for f in fields(FetchPolicy)} - set(cfg.fetch.model_dump()) == {
        "allow_private_networks",
        "allowed_networks",
        "user_agent",
        "accept",
    }
    assert policy.max_bytes == 10_000_000
    with pytest.raises(ConfigError, match="fetch.allow_private_networks"):  # the sources file decides that
        load_config(write(tmp_path, "c.yaml", {"fetch": {"allow_private_networks": True}}))
    with pytest.raises(ConfigError, match="fetch.retries"):
        load_config(write(tmp_path, "d.yaml", {"fetch": {"retries": "many"}}))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sources": []}, "no sources listed"),
        ({"allow_private_networks": False}, "no sources listed"),
        (
            {"sources": [{"name": "MFA", "url": "https://m.example/feed", "kind": "ministry"}]},
            "'MFA' is a ministry without a country",
        ),
    ],
)
def test_an_empty_sources_file_and_a_ministry_without_a_country_are_refused(tmp_path, data, message):
    with pytest.raises(ConfigError, match=message):
        load_sources(write(tmp_path, "s.yaml", data))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"timezone": "Mars/Olympus"}, "timezone: .*unknown timezone 'Mars/Olympus'"),
        ({"timezone": "../../etc/passwd"}, "unknown timezone"),
        ({"alerts": {"recipients": [{"email": "not-an-email"}]}}, "alerts.recipients.0.email: .*'not-an-email'"),
        ({"alerts": {"recipients": [{"email": "two words@example.org"}]}}, "not an e-mail address"),
        ({"alerts": {"sender": "stancewatch <nobody>"}}, "alerts.sender: .*not an e-mail address"),
    ],
)
def test_timezones_and_mail_addresses_are_checked_at_load(tmp_path, data, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, "c.yaml", data))


def test_good_timezones_and_addresses_load(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            "c.yaml",
            {
                "timezone": "Europe/Berlin",
                "alerts": {
                    "sender": "Desk <alerts@example.org>",
                    "recipients": [{"email": "china-desk@example.org"}, {"email": "me@localhost"}],
                },
            },
        )
    )
    assert cfg.timezone == "Europe/Berlin" and [r.email for r in cfg.alerts.recipients][1] == "me@localhost"
