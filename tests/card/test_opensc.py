"""Interoperability: OpenSC's own JPKI driver (card-jpki.c, pkcs15-jpki.c), unmodified, against
the served card. OpenSC is a public JPKI client of the PC/SC world; if it recognises the card,
lists its certificates and signs with it, the card answers as a real one does."""
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from virtual_card.ca import verify_signature
from virtual_card.testing import TEST_AUTH_PIN, TEST_SIGN_PIN

pytestmark = pytest.mark.card

PKCS11_MODULE = next((p for p in ("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
                                  "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
                                  "/usr/lib/opensc-pkcs11.so") if Path(p).exists()), None)


def tool(*args: str) -> str:
    exe = shutil.which(args[0])
    if exe is None:
        pytest.fail(f"{args[0]} is missing: apt-get install -y opensc", pytrace=False)
    r = subprocess.run([exe, *args[1:]], check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{' '.join(args)} failed ({r.returncode}): {r.stdout}\n{r.stderr}"
    return r.stdout + r.stderr


def test_opensc_names_the_card_jpki(served):
    assert "3b:e0:00:ff:81:31:fe:45:14" in tool("opensc-tool", "--atr")
    assert tool("opensc-tool", "--name").splitlines()[0].strip() == "jpki"


def test_pkcs15_lists_certificates_and_pins(served, store):
    out = tool("pkcs15-tool", "--list-certificates")
    for label in ("User Authentication Certificate", "Digital Signature Certificate",
                  "User Authentication Certificate CA", "Digital Signature Certificate CA"):
        assert f"[{label}]" in out
    serial = x509.load_der_x509_certificate(store.certificate("good", "auth")).serial_number
    assert f"{serial:X}" in out.replace(" ", "")
    pins = tool("pkcs15-tool", "--list-pins")
    assert pins.count("Tries left     : 3") == 1 and pins.count("Tries left     : 5") == 1
    pem = tool("pkcs15-tool", "--read-certificate", "01")
    cert = x509.load_pem_x509_certificate(pem[pem.index("-----BEGIN"):].encode())
    assert cert.serial_number == serial


@pytest.mark.parametrize("slot, key_id, pin, kind", [("0", "01", TEST_AUTH_PIN, "auth"),
                                                      ("1", "02", TEST_SIGN_PIN, "sign")])
def test_pkcs11_signature_verifies(served, store, tmp_path, slot, key_id, pin, kind):
    if PKCS11_MODULE is None:
        pytest.fail("opensc-pkcs11.so not found: apt-get install -y opensc-pkcs11", pytrace=False)
    message = tmp_path / "message"
    message.write_bytes(b"rasim interop " + kind.encode())
    signature = tmp_path / "signature"
    tool("pkcs11-tool", "--module", PKCS11_MODULE, "--slot-index", slot, "--login", "--pin", pin,
         "--sign", "--id", key_id, "-m", "SHA256-RSA-PKCS", "-i", str(message), "-o", str(signature))
    assert verify_signature(store.certificate("good", kind), message.read_bytes(), signature.read_bytes())


def test_pkcs11_wrong_pin_counts(served, store):
    r = subprocess.run(["pkcs11-tool", "--module", PKCS11_MODULE, "--login", "--pin", "0000", "--sign",
                        "--id", "01", "-m", "SHA256-RSA-PKCS", "-i", "/dev/null"],
                       check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "CKR_PIN_INCORRECT" in r.stdout + r.stderr
    assert "Tries left     : 2" in tool("pkcs15-tool", "--list-pins")
    assert store.tries_left("good")["jpki.auth"] == 2
