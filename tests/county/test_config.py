"""The county station's config: [viewer] role and [county] checked before anything uses them."""
from __future__ import annotations

import copy

import pytest

from dicom_node.config import ConfigError, load_config, validate_config


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return load_config(None)


def test_defaults_are_a_township_with_commented_county_keys(cfg):
    assert cfg["viewer"]["role"] == "township"
    c = cfg["county"]
    assert c["sources"] == [] and c["turnaround_min"]["urgent"] == 30 and c["turnaround_min"]["DX"] == 120
    assert c["claims"] == "auto" and c["claim_ttl_s"] > 0


@pytest.mark.parametrize("change,words", [
    ({"viewer": {"role": "hospital"}}, "viewer.role"),
    ({"county": {"worklist_days": -1}}, "county.worklist_days"),
    ({"county": {"claims": "ups"}}, "county.claims"),
    ({"county": {"turnaround_min": {"CT": 0}}}, "turnaround_min.CT"),
    ({"county": {"sources": [{"name": "c", "kind": "dicom", "host": "h", "port": 104}]}}, "ae_title"),
    ({"county": {"sources": [{"name": "c", "kind": "dicomweb", "url": "pacs/dicom-web"}]}}, "http"),
    ({"county": {"sources": [{"name": "c", "kind": "dicomweb", "url": "http://p/dicom-web"},
                             {"name": "c", "kind": "dicomweb", "url": "http://q/dicom-web"}]}}, "duplicate"),
    ({"county": {"sources": [{"name": "c", "kind": "dicom", "ae_title": "P", "host": "h", "port": 104,
                              "tls": {"ca": "/nonexistent/ca.pem"}}]}}, "not found"),
])
def test_bad_county_config_is_refused_with_the_key(cfg, change, words):
    bad = copy.deepcopy(cfg)
    for section, values in change.items():
        bad[section].update(values)
    with pytest.raises(ConfigError) as err:
        validate_config(bad)
    assert words in str(err.value)


def test_settings_dialog_form_sets_the_role(cfg):
    from viewer.settings_dialog import apply_form

    form = {"ae_title": "READING1", "port": "11112", "allowed_peers": "", "model": "", "device": "auto",
            "language": "zh_CN", "role": "county"}
    new, errors = apply_form(cfg, form)
    assert errors == [] and new["viewer"]["role"] == "county"
