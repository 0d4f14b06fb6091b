"""`rasim card …` through click's runner."""
import json

from click.testing import CliRunner

from virtual_card.bench import card_bench
from virtual_card.cli import card


def run(cards_dir, *args):
    result = CliRunner().invoke(card, ["--cards-dir", str(cards_dir), *args], catch_exceptions=False)
    return result


def test_issue_list_show(tmp_path):
    r = run(tmp_path, "issue", "--name", "TEST HANAKO", "--dob", "2001-02-03", "--sex", "F",
            "--address", "東京都港区", "--auth-pin", "4321", "--sign-pin", "SIGN99", "--id", "hanako")
    assert r.exit_code == 0, r.output
    assert "hanako" in r.output and "4321" in r.output and "SIGN99" in r.output
    r = run(tmp_path, "list")
    assert "hanako" in r.output and "TEST HANAKO" in r.output
    r = run(tmp_path, "show", "hanako")
    assert "status good" in r.output and "female" in r.output
    r = run(tmp_path, "reads", "hanako")
    assert "never been read" in r.output


def test_issue_faulty_cards_and_json(tmp_path):
    r = run(tmp_path, "issue", "--name", "A", "--dob", "1990-01-01", "--sex", "M", "--address", "X",
            "--expired", "--blocked", "--json")
    info = json.loads(r.output)
    r = run(tmp_path, "show", info["id"])
    assert "status expired" in r.output and "0/3 tries left" in r.output
    r = run(tmp_path, "issue", "--name", "B", "--dob", "1990-01-01", "--sex", "M", "--address", "X",
            "--revoked", "--id", "rev")
    assert "status revoked" in run(tmp_path, "show", "rev").output


def test_revoke_command(tmp_path):
    run(tmp_path, "issue", "--name", "A", "--dob", "1990-01-01", "--sex", "M", "--address", "X", "--id", "a")
    r = run(tmp_path, "revoke", "a")
    assert r.exit_code == 0 and "crl.pem" in r.output
    assert "status revoked" in run(tmp_path, "show", "a").output


def test_clear_errors(tmp_path):
    run(tmp_path, "issue", "--name", "A", "--dob", "1990-01-01", "--sex", "M", "--address", "X", "--id", "a")
    r = run(tmp_path, "show", "zzz")
    assert r.exit_code != 0 and "unknown card 'zzz'" in r.output and "a" in r.output
    r = run(tmp_path, "issue", "--name", "A", "--dob", "1990-01-01", "--sex", "M", "--address", "X",
            "--auth-pin", "12")
    assert r.exit_code != 0 and "4 digits" in r.output
    r = run(tmp_path, "issue", "--name", "A", "--dob", "1990-01-01", "--sex", "Q", "--address", "X")
    assert r.exit_code != 0 and "unknown sex" in r.output
    r = run(tmp_path, "remove", "--port", "39999")
    assert r.exit_code != 0 and "no `rasim card serve` is running" in r.output


def test_help_everywhere(tmp_path):
    for sub in ["", "issue", "list", "show", "serve", "insert", "remove", "revoke", "reads", "status", "demo"]:
        r = run(tmp_path, *([sub] if sub else []), "--help")
        assert r.exit_code == 0 and "Usage" in r.output
    r = CliRunner().invoke(card_bench, ["--help"])
    assert r.exit_code == 0 and "Usage" in r.output


def test_demo_command(tmp_path):
    r = run(tmp_path, "demo")
    assert r.output.count("auth PIN 1234") == 3
