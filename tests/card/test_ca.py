"""The test JPKI CA: profile of the certificates, chain, validity, revocation."""
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from virtual_card.ca import TestCA, load_certificate, verify_signature
from virtual_card.certprofile import basic_four_from_certificate
from virtual_card.issuing import revoke_card
from virtual_card.testing import TEST_HOLDER as HOLDER


def cert(store, card_id, kind="auth"):
    return load_certificate(store.certificate(card_id, kind))


def test_signature_certificate_carries_basic_four(store):
    sign = cert(store, "good", "sign")
    four = basic_four_from_certificate(sign)
    assert four["name"] == HOLDER.name and four["address"] == HOLDER.address
    assert four["date_of_birth_raw"] == "419950415"  # Heisei era digit + YYYYMMDD
    assert four["date_of_birth"] == "1995-04-15" and four["gender_code"] == "1"
    san = sign.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    oids = [o.type_id.dotted_string for o in san.get_values_for_type(x509.OtherName)]
    assert oids[:4] == ["1.2.392.200149.8.5.5.1", "1.2.392.200149.8.5.5.4", "1.2.392.200149.8.5.5.3",
                        "1.2.392.200149.8.5.5.5"]
    ku = sign.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and ku.value.content_commitment


def test_auth_certificate_has_nothing_personal(store):
    auth = cert(store, "good", "auth")
    assert basic_four_from_certificate(auth) is None
    assert HOLDER.name not in auth.subject.rfc4514_string()
    ku = auth.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and not ku.content_commitment


def test_validity_five_years(store):
    auth = cert(store, "good")
    years = (auth.not_valid_after_utc - auth.not_valid_before_utc).days / 365.25
    assert 4.99 < years < 5.01


def test_verify_chain_statuses(store):
    ca = TestCA.open(store.ca_dir)
    good = ca.verify_chain(cert(store, "good"))
    assert good.ok and good.status == "good" and good.card_id == "good" and good.kind == "auth"
    sign = ca.verify_chain(store.certificate("good", "sign"))  # DER bytes work too
    assert sign.kind == "sign" and sign.basic_four["name"] == HOLDER.name
    assert ca.status(cert(store, "expired")) == "expired"
    assert ca.status(cert(store, "revoked")) == "revoked"
    assert ca.status(cert(store, "revoked", "sign")) == "revoked"


def test_validity_at_a_given_time(store):
    ca = TestCA.open(store.ca_dir)
    c = cert(store, "good")
    assert ca.status(c, at=c.not_valid_after_utc + timedelta(seconds=1)) == "expired"
    assert ca.status(c, at=c.not_valid_before_utc - timedelta(days=1)) == "expired"
    assert ca.status(c, at=c.not_valid_after_utc - timedelta(days=1)) == "good"
    naive = (c.not_valid_before_utc + timedelta(days=1)).replace(tzinfo=None)
    assert ca.status(c, at=naive) == "good"
    old = cert(store, "expired")
    assert ca.status(old, at=old.not_valid_before_utc + timedelta(days=30)) == "good"


def test_unknown_issuer(store, tmp_path):
    ca = TestCA.open(store.ca_dir)
    other = TestCA.open(tmp_path / "other-ca")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    foreign = other.issue("auth", key.public_key(), "x")
    assert ca.verify_chain(foreign).status == "unknown"
    assert ca.verify_chain(b"not a certificate").status == "unknown"
    # same subject name, different key: the signature check catches it
    assert foreign.issuer == ca.cert.subject and ca.status(foreign) == "unknown"


def test_revocation_writes_crl_seen_by_other_instances(store):
    reader = TestCA.open(store.ca_dir)
    assert reader.status(cert(store, "good")) == "good"
    revoke_card(store, "good")
    assert reader.status(cert(store, "good")) == "revoked"
    crl = x509.load_pem_x509_crl((store.ca_dir / "crl.pem").read_bytes())
    assert crl.is_signature_valid(reader.cert.public_key())
    assert crl.get_revoked_certificate_by_serial_number(cert(store, "good").serial_number) is not None
    der = x509.load_der_x509_crl((store.ca_dir / "crl.der").read_bytes())
    assert len(list(der)) == len(list(crl))


def test_ca_reloads_from_folder(store):
    a = TestCA.open(store.ca_dir)
    b = TestCA.open(store.ca_dir, create=False)
    assert a.cert == b.cert


def test_verify_signature_helper(store):
    key = store.jpki_contents("good").auth_key
    sig = key.sign(b"data", padding.PKCS1v15(), hashes.SHA256())
    assert verify_signature(store.certificate("good", "auth"), b"data", sig)
    assert not verify_signature(store.certificate("good", "auth"), b"data", b"\x00" * 256)
    sha1 = key.sign(b"data", padding.PKCS1v15(), hashes.SHA1())
    assert verify_signature(cert(store, "good"), b"data", sha1, hashes.SHA1())


def test_not_after_given(store):
    from virtual_card.issuing import issue_card

    end = datetime(2030, 1, 31, 23, 59, 59, tzinfo=UTC)
    issue_card(store, HOLDER, card_id="short", not_after=end)
    assert cert(store, "short").not_valid_after_utc == end
