"""The virtual My Number Card: card OS, JPKI AP, card-info AP, test CA, vpcd transport, client.

Public entry points (see docs/virtual-card.md):

- ``virtual_card.ca.TestCA.open(folder).verify_chain(cert, at=...)`` — chain, validity, revocation
- ``virtual_card.ca.verify_signature(cert, data, signature)`` — PKCS#1 v1.5 / SHA-256
- ``virtual_card.certprofile.basic_four_from_certificate(cert)`` — the basic four of a sign cert
- ``virtual_card.demo.ensure_demo_cards(cards_dir)`` — demo cards with documented PINs
- ``virtual_card.client.JpkiClient`` — the client, over PC/SC or in-process
- ``virtual_card.testing.card_stack(cards_dir)`` — pcscd + a served card for tests
"""
