"""One config schema, derived from the shipped default: a typo, a wrong type or an out-of-range value is
refused naming its key; credentials never go over plain http; only changed settings are saved, privately."""
from __future__ import annotations

import logging
import stat
import subprocess
import sys
import tomllib

import pytest
import tomli_w

from dicom_node import config_schema
from dicom_node.config import ConfigError, load_config, save_changes
from tests.node_helpers import PROJECT_ROOT


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text,named", [
    ("[retention]\nenable = true\n", "retention.enable: unknown key (did you mean retention.enabled?)"),
    ("[node]\nport = 70000\n", "node.port: 70000 is out of range 1..65535"),
    ("[stability]\nquiet_seconds = \"30\"\n", "stability.quiet_seconds: must be a number"),
    ("[ai]\ndevice = \"tpu\"\n", "ai.device: must be one of"),
    ("[ai]\nmin_score = 1.5\n", "ai.min_score: 1.5 is out of range 0..1"),
    ("[forwading]\nenabled = false\n", "forwading: unknown section (did you mean forwarding?)"),
    ("[node]\nallowed_peers = [{ ae_tile = \"CT\" }]\n", "node.allowed_peers[0].ae_tile: unknown key"),
    ("[node]\nallowed_peers = [{ ae_title = \"CT\", rights = [\"store\", \"delete\"] }]\n",
     "node.allowed_peers[0].rights[1]: must be one of"),
    ("[[forwarding.destinations]]\nname = \"c\"\nkind = \"dicom\"\nae_title = \"C\"\nhost = \"h\"\nport = 104\n"
     "storage_comitment = true\n", "forwarding.destinations[0].storage_comitment: unknown key"),
    ("[move_destinations.WS]\nhost = \"10.0.0.5\"\n", "move_destinations.WS.port: missing"),
])
def test_a_mistake_is_refused_naming_its_key(tmp_path, text, named):
    path = _write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert named in str(exc.value) and str(path) in str(exc.value)


def test_the_node_refuses_to_start_on_a_typo(tmp_path):
    path = _write(tmp_path / "config.toml", f"[storage]\npath = \"{tmp_path / 's'}\"\n[retention]\nenable = true\n")
    res = subprocess.run([sys.executable, "-m", "viewer", "node", "--config", str(path)], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "retention.enable: unknown key" in res.stderr, res.stderr
    assert not (tmp_path / "s").exists()  # refused before anything was created


def test_every_shipped_key_is_known_and_typed_by_its_default():
    defaults = config_schema._defaults()
    assert config_schema.problems(defaults) == ([], [])
    spec = config_schema.schema()
    assert spec.fields["retention"].fields["enabled"].kind == "bool"
    assert spec.fields["forwarding"].fields["backoff_factor"].kind == "number"  # 2.0: an integer is fine too
    assert spec.fields["node"].fields["port"].kind == "int"
    errors, _ = config_schema.problems({**defaults, "forwarding": {**defaults["forwarding"], "backoff_factor": 3}})
    assert errors == []
    errors, _ = config_schema.problems({**defaults, "node": {**defaults["node"], "max_associations": 2.5}})
    assert errors == ["node.max_associations: must be an integer, got 2.5"]


def test_an_array_of_tables_needs_a_registered_item_schema(monkeypatch):
    """What a new section's owner does in one line; unregistered, the first item is refused loudly."""
    defaults = config_schema._defaults()
    monkeypatch.setattr(config_schema, "_defaults", lambda: {**defaults, "mirror": {"targets": []}})
    cfg = {**defaults, "mirror": {"targets": [{"name": "pacs", "kind": "dicomweb", "url": "https://x/dicom-web"}]}}
    errors, _ = config_schema.problems(cfg)
    assert errors and "mirror.targets[0]" in errors[0] and "register_items" in errors[0]
    monkeypatch.setitem(config_schema.ITEMS, "mirror.targets",
                        config_schema.DESTINATION.but(kind=config_schema.Choice("dicom", "dicomweb")))
    assert config_schema.problems(cfg) == ([], [])
    cfg["mirror"]["targets"][0]["kind"] = "stow-rs"
    assert "mirror.targets[0].kind: must be one of 'dicom', 'dicomweb'" in config_schema.problems(cfg)[0][0]


def test_stow_credentials_over_plain_http_are_refused(tmp_path):
    for cred in ('token = "s3cret"', 'username = "clinic"\npassword = "pw"'):
        path = _write(tmp_path / "c.toml", f'[[forwarding.destinations]]\nname = "web"\nkind = "stow"\n'
                                           f'url = "http://pacs.county/dicom-web"\n{cred}\n')
        with pytest.raises(ConfigError, match=r"destinations\[0\]\.url \(web\): credentials .* clear text"):
            load_config(path)
    path = _write(tmp_path / "c.toml", '[[forwarding.destinations]]\nname = "web"\nkind = "stow"\n'
                                       'url = "https://pacs.county/dicom-web"\ntoken = "s3cret"\n')
    assert load_config(path)["forwarding"]["destinations"][0]["token"] == "s3cret"
    path = _write(tmp_path / "c.toml", '[[forwarding.destinations]]\nname = "web"\nkind = "stow"\n'
                                       'url = "http://pacs.county/dicom-web"\n')
    load_config(path)  # no credentials: plain http is the county's choice


def test_verify_hostname_false_is_warned(tmp_path, caplog):
    path = _write(tmp_path / "c.toml", '[[forwarding.destinations]]\nname = "county"\nkind = "dicom"\n'
                                       'ae_title = "COUNTY"\nhost = "10.0.0.1"\nport = 104\n'
                                       'tls = { ca = "ca.pem", verify_hostname = false }\n')
    with caplog.at_level(logging.WARNING, logger="dicom_node.config"):
        load_config(path)
    assert any("tls.verify_hostname (county) is false" in r.getMessage() for r in caplog.records)


def test_only_changed_settings_are_saved_readable_by_the_user_alone(tmp_path):
    path = tmp_path / "township-pacs" / "config.toml"
    path.parent.mkdir()
    path.write_bytes(tomli_w.dumps({"node": {"ae_title": "CLINIC_A"}, "forwarding": {"destinations": [
        {"name": "web", "kind": "stow", "url": "https://pacs.county/dicom-web", "token": "s3cret"}]}}).encode())
    path.chmod(0o644)
    old = load_config(path)
    new = load_config(path)
    new["node"]["port"] = 11200
    new["viewer"]["language"] = "en"
    save_changes(old, new, path)
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert saved == {"node": {"ae_title": "CLINIC_A", "port": 11200}, "viewer": {"language": "en"},
                     "forwarding": {"destinations": [{"name": "web", "kind": "stow",
                                                      "url": "https://pacs.county/dicom-web", "token": "s3cret"}]}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # a change that makes the config invalid writes nothing
    bad = load_config(path)
    bad["node"]["port"] = 0
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="node.port"):
        save_changes(load_config(path), bad, path)
    assert path.read_bytes() == before
