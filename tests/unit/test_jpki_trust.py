"""The JPKI verifier trusts a folder of CA certificates, not the card's code (issue 8, item 4).

By default it trusts the virtual card's test CA in the cards folder; RASIM_JPKI_TRUST_DIR points it
at another folder (a vendor's own test CA). Its answers match the card's own CA check."""
from __future__ import annotations

import ast
import base64
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from simulator.adapters.jpki import JST, JpkiVerifier, basic_facts, key_id, load_certificate
from simulator.web.app import create_app
from virtual_card.ca import TestCA
from virtual_card.certprofile import basic_four_from_certificate
from virtual_card.issuing import issue_card, revoke_card
from virtual_card.model import BasicFour
from virtual_card.store import CardStore
from virtual_card.testing import TEST_HOLDER

ROOT = Path(__file__).resolve().parents[2]
OTHER_HOLDER = BasicFour("山田　花子", "東京都千代田区霞が関一丁目1番1号", dt.date(1980, 7, 1), "2")


def b64(der: bytes) -> str:
    return base64.b64encode(der).decode()


def now() -> dt.datetime:
    return dt.datetime.now(JST).replace(tzinfo=None)   # naive Japan time, as the test clock gives it


@pytest.fixture(scope="module")
def vendor_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vendor's own test CA, kept outside the cards folder."""
    folder = tmp_path_factory.mktemp("vendor-ca")
    TestCA.open(folder)
    return folder


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory, vendor_folder: Path) -> CardStore:
    """The cards folder with its own test CA, and one card ("vendor") from the vendor's CA."""
    store = CardStore(tmp_path_factory.mktemp("cards"))
    issue_card(store, TEST_HOLDER, card_id="good")
    issue_card(store, OTHER_HOLDER, card_id="other-person")
    issue_card(store, TEST_HOLDER, card_id="expired", expired=True)
    issue_card(store, TEST_HOLDER, card_id="revoked", revoked=True)
    issue_card(store, TEST_HOLDER, card_id="vendor", ca=TestCA.open(vendor_folder, create=False))
    return store


def cert(cards: CardStore, card_id: str, kind: str = "auth") -> str:
    return b64(cards.certificate(card_id, kind))


def app_verifier(db_url: str, cards: CardStore) -> JpkiVerifier:
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_CARDS_DIR": str(cards.root), "SECRET_KEY": "t"})
    return app.extensions["rasim.jpki"]


def test_a_certificate_of_another_ca_is_refused_by_default_and_accepted_once_its_ca_is_trusted(
        db_url: str, cards: CardStore, vendor_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASIM_JPKI_TRUST_DIR", raising=False)
    default = app_verifier(db_url, cards)
    assert default.trust_dir == cards.ca_dir   # the virtual card's test CA: nothing changes for users
    assert default.check(cert(cards, "good"), now()).status == "good"
    refused = default.check(cert(cards, "vendor"), now())
    assert (refused.ok, refused.status, refused.kind, refused.basic_four) == (False, "unknown", None, None)

    trust = tmp_path / "trust"
    trust.mkdir()
    shutil.copy(vendor_folder / "ca_cert.pem", trust / "vendor-test-ca.pem")   # only the CA's PEM
    monkeypatch.setenv("RASIM_JPKI_TRUST_DIR", str(trust))
    vendor = app_verifier(db_url, cards)
    assert vendor.trust_dir == trust
    for kind in ("auth", "sign"):
        accepted = vendor.check(cert(cards, "vendor", kind), now())
        assert (accepted.ok, accepted.status, accepted.reason, accepted.kind) == (True, "good", "valid", kind)
    sign = vendor.check(cert(cards, "vendor", "sign"), now())
    assert sign.basic_four is not None and sign.basic_four["name"] == TEST_HOLDER.name
    # the folder replaces the default: the cards' own test CA is no longer trusted
    assert vendor.check(cert(cards, "good"), now()).status == "unknown"
    # both, with the test CA's files linked in: its CRL and its register of cards keep counting
    for name in ("ca_cert.pem", "crl.pem", "issued.json"):
        (trust / f"rasim-{name}").symlink_to(cards.ca_dir / name)
    assert vendor.check(cert(cards, "vendor"), now()).status == "good"
    assert vendor.check(cert(cards, "revoked"), now()).status == "revoked"
    good = vendor.check(cert(cards, "good"), now())
    assert (good.status, good.card) == ("good", "good")


def test_statuses_match_the_cards_own_ca(cards: CardStore) -> None:
    verifier = JpkiVerifier(cards.root)
    ca = TestCA.open(cards.ca_dir, create=False)
    for at in (now(), dt.datetime(2000, 1, 1, 12), dt.datetime(1999, 12, 31, 12), dt.datetime(2100, 1, 2)):
        for card_id in ("good", "expired", "revoked", "vendor"):
            for kind in ("auth", "sign"):
                der = cards.certificate(card_id, kind)
                got = verifier.check(b64(der), at)
                want = ca.verify_chain(der, at.replace(tzinfo=JST))
                assert (got.ok, got.status, got.reason, got.kind, got.card, got.basic_four) == (
                    want.ok, want.status, want.reason.replace("the test JPKI CA", "a trusted JPKI CA"), want.kind,
                    want.card_id, want.basic_four), (card_id, kind, at)
                assert got.key_id == key_id(load_certificate(der))
                assert got.not_after == load_certificate(der).not_valid_after_utc.astimezone(JST).replace(tzinfo=None)
    assert verifier.check("not base64!", now()).status == "malformed"
    assert verifier.check(b64(b"\x30\x03\x02\x01\x01"), now()).status == "malformed"


def test_the_basic_four_are_read_from_the_certificate_profile(cards: CardStore) -> None:
    for card_id in ("good", "other-person"):
        sign = load_certificate(cards.certificate(card_id, "sign"))
        four = basic_facts(cert(cards, card_id, "sign"))
        assert four == basic_four_from_certificate(sign)
    four = basic_facts(cert(cards, "other-person", "sign"))
    assert four == {"name": "山田　花子", "address": "東京都千代田区霞が関一丁目1番1号", "date_of_birth": "1980-07-01",
                    "date_of_birth_raw": "319800701", "sex": "2", "gender_code": "2"}   # 3: 昭和
    assert basic_facts(cert(cards, "good", "auth")) is None   # nothing personal in the authentication certificate
    assert basic_facts("@@") is None


def test_a_revocation_counts_at_once_and_links_the_cards_two_certificates(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "cards")
    verifier = JpkiVerifier(store.root)
    assert verifier.check(b64(b"\x30\x00"), now()).status == "malformed"   # no CA folder yet: no failure
    issue_card(store, TEST_HOLDER, card_id="one")
    issue_card(store, TEST_HOLDER, card_id="two")
    auth, sign = verifier.check(cert(store, "one"), now()), verifier.check(cert(store, "one", "sign"), now())
    assert auth.status == sign.status == "good" and auth.card == sign.card == "one"
    assert verifier.check(cert(store, "two"), now()).card == "two"
    revoke_card(store, "one")   # rewrites the CRL; the verifier reads it again
    assert verifier.check(cert(store, "one"), now()).status == "revoked"
    assert verifier.check(cert(store, "two"), now()).status == "good"


def test_a_vendor_crl_in_pem_or_der_revokes_and_a_crl_signed_by_another_key_does_not(
        cards: CardStore, vendor_folder: Path, tmp_path: Path) -> None:
    folder = vendor_folder
    trust = tmp_path / "trust"
    trust.mkdir()
    shutil.copy(folder / "ca_cert.pem", trust / "ca.pem")
    vendor = JpkiVerifier(cards.root, trust)
    ca = TestCA.open(folder, create=False)
    crl_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    serial = load_certificate(cards.certificate("vendor", "auth")).serial_number
    stamp = dt.datetime.now(dt.UTC)
    revoked = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(stamp).build()
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject).last_update(stamp)
               .next_update(stamp + dt.timedelta(days=1)).add_revoked_certificate(revoked))
    (trust / "forged.crl").write_bytes(builder.sign(crl_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    assert vendor.check(cert(cards, "vendor"), now()).status == "good"
    genuine = builder.sign(ca.key, hashes.SHA256())
    for name, encoding in (("vendor.crl", serialization.Encoding.DER), ("vendor-crl.pem", serialization.Encoding.PEM)):
        (trust / name).write_bytes(genuine.public_bytes(encoding))
        assert vendor.check(cert(cards, "vendor"), now()).status == "revoked", name
        (trust / name).unlink()
    assert vendor.check(cert(cards, "vendor"), now()).status == "good"
    assert vendor.check(cert(cards, "vendor", "sign"), now()).status == "good"


def test_rasim_seed_demo_issues_the_demo_cards_and_links_their_accounts(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.cli import main

    monkeypatch.setenv("RASIM_DATABASE_URL", f"sqlite:///{tmp_path}/rasim.sqlite3")
    monkeypatch.setenv("RASIM_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RASIM_CARDS_DIR", str(tmp_path / "cards"))
    monkeypatch.delenv("RASIM_JPKI_TRUST_DIR", raising=False)
    runs: list[dict[str, Any]] = []
    for _ in range(2):   # idempotent
        result = CliRunner().invoke(main, ["seed", "--demo", "--json"])
        assert result.exit_code == 0, result.output
        runs.append({a["card"]: a for a in json.loads(result.output)["accounts"] if a.get("card")})
    assert runs[0] == runs[1]
    assert {card: (a["category"], a["user_id"], a["auth_pin"], a["sign_pin"]) for card, a in runs[0].items()} == {
        "demo-foreign-national": ("foreign_national", "demoforeign01", "1234", "ABC123"),
        "demo-legal-representative": ("legal_representative", "demolegalrep01", "1234", "ABC123"),
        "demo-relative": ("relative", "demorelative01", "1234", "ABC123"),
    }
    store = CardStore(tmp_path / "cards")
    verifier = JpkiVerifier(store.root)
    for card_id in runs[0]:
        for kind in ("auth", "sign"):
            assert verifier.check(cert(store, card_id, kind), now()).status == "good"


def test_no_module_under_simulator_imports_virtual_card_but_the_cli() -> None:
    offenders = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "simulator/cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), rel)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{rel}:{node.lineno} {n}" for n in names if n.split(".")[0] == "virtual_card"]
    assert offenders == []
