"""What a JPKI end-entity certificate looks like: names, key usage, the basic four in SAN.

The signature certificate (署名用電子証明書) carries the holder's basic four facts as
subjectAltName otherNames under 1.2.392.200149.8.5.5 — .1 name, .4 date of birth (era digit +
YYYYMMDD), .3 gender (1 male, 2 female, 3 not known), .5 address, and .2/.6 the positions of
substitute characters in name/address ("0" each: none). The authentication certificate
(利用者証明用電子証明書) carries nothing personal.
"""
from __future__ import annotations

from datetime import date

from cryptography import x509
from cryptography.x509.oid import NameOID

from .model import BasicFour

JPKI_ARC = "1.2.392.200149.8.5.5"
OID_NAME = x509.ObjectIdentifier(JPKI_ARC + ".1")
OID_NAME_SUBSTITUTES = x509.ObjectIdentifier(JPKI_ARC + ".2")
OID_GENDER = x509.ObjectIdentifier(JPKI_ARC + ".3")
OID_DATE_OF_BIRTH = x509.ObjectIdentifier(JPKI_ARC + ".4")
OID_ADDRESS = x509.ObjectIdentifier(JPKI_ARC + ".5")
OID_ADDRESS_SUBSTITUTES = x509.ObjectIdentifier(JPKI_ARC + ".6")

ISSUER_ORG = "公的個人認証サービス"  # the issuer alt name real certificates carry


def _der_string(tag: int, text: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) < 0x80:
        return bytes([tag, len(raw)]) + raw
    size = len(raw).to_bytes((len(raw).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + raw


def utf8(text: str) -> bytes:
    return _der_string(0x0C, text)


def printable(text: str) -> bytes:
    return _der_string(0x13, text)


def basic_four_alt_names(b: BasicFour) -> x509.SubjectAlternativeName:
    return x509.SubjectAlternativeName([
        x509.OtherName(OID_NAME, utf8(b.name)),
        x509.OtherName(OID_DATE_OF_BIRTH, printable(b.cert_date_of_birth)),
        x509.OtherName(OID_GENDER, printable(b.cert_gender)),
        x509.OtherName(OID_ADDRESS, utf8(b.address)),
        x509.OtherName(OID_NAME_SUBSTITUTES, printable("0" * max(1, len(b.name)))),
        x509.OtherName(OID_ADDRESS_SUBSTITUTES, printable("0" * max(1, len(b.address)))),
    ])


def _decode_string(der: bytes) -> str:
    from .tlv import read_header

    _, hlen, vlen = read_header(der)
    return der[hlen : hlen + vlen].decode("utf-8")


def basic_four_from_certificate(cert: x509.Certificate) -> dict | None:
    """The basic four of a JPKI signature certificate, or None for a certificate without them.

    Returns ``{"name", "address", "date_of_birth" (ISO date), "sex" (ISO 5218 code),
    "gender_code" (certificate coding), "date_of_birth_raw"}``.
    """
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    values = {}
    for other in san.get_values_for_type(x509.OtherName):
        values[other.type_id.dotted_string] = _decode_string(other.value)
    if OID_NAME.dotted_string not in values:
        return None
    raw_dob = values.get(OID_DATE_OF_BIRTH.dotted_string, "")
    gender = values.get(OID_GENDER.dotted_string, "3")
    dob = None
    if len(raw_dob) == 9 and raw_dob.isdigit():
        dob = date(int(raw_dob[1:5]), int(raw_dob[5:7]), int(raw_dob[7:9])).isoformat()
    return {
        "name": values[OID_NAME.dotted_string],
        "address": values.get(OID_ADDRESS.dotted_string, ""),
        "date_of_birth": dob,
        "date_of_birth_raw": raw_dob,
        "sex": {"1": "1", "2": "2"}.get(gender, "0"),
        "gender_code": gender,
    }


def subject(serial_text: str) -> x509.Name:
    """Real JPKI subjects hold no personal data: C=JP and an opaque common name."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.COMMON_NAME, serial_text),
    ])


def issuer_alt_name() -> x509.IssuerAlternativeName:
    return x509.IssuerAlternativeName([x509.DirectoryName(x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER_ORG),
    ]))])


def key_usage(non_repudiation: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=non_repudiation, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
