"""Mail over a real SMTP server (aiosmtpd, started here): Japanese subjects and UTF-8 bodies arrive
intact, from the system's domain, and a rolled-back action sends nothing."""
from __future__ import annotations

import email
import email.policy
import re
import socket
from typing import Iterator

import pytest
from aiosmtpd.controller import Controller

from simulator.domain.errors import RuleViolation
from simulator.web.app import create_app
from tests.support.api import PASSWORD, Api, registration_body


class Collector:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()   # raises with the reason when the server cannot start: the test fails, never skips
    try:
        yield collector, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_app(db_url, tmp_path, smtp):  # noqa: ANN001, ANN201
    _, port = smtp
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "t",
                      "RASIM_SMTP_URL": f"smtp://127.0.0.1:{port}"})
    yield app
    app.extensions["rasim.engine"].dispose()


def test_registration_and_approval_mails_arrive_over_smtp(smtp, smtp_app):  # noqa: ANN001
    collector, _ = smtp
    api = Api(smtp_app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    api.put_certificate(valid_until="2030-03-31")
    auth_id = api.register_agent(email="lawyer@example.jp")
    req = api.file_usage_request(email="staff@example.jp")
    staff_id = api.approve_usage_request(req["id"])["auth_id"]

    msgs = collector.messages()
    assert [m["Subject"] for m in msgs] == [
        "【在留申請オンラインシステム】利用者情報登録受付のお知らせ",
        "【在留申請オンラインシステム】利用者情報登録完了のお知らせ",
        "【在留申請オンラインシステム】利用申出承認のお知らせ",
    ]
    assert [e.rcpt_tos for e in collector.envelopes] == [["lawyer@example.jp"]] * 2 + [["staff@example.jp"]]
    for env, msg in zip(collector.envelopes, msgs, strict=True):
        assert env.mail_from.endswith("@ras-immi.moj.go.jp")
        assert msg["From"].addresses[0].domain == "ras-immi.moj.go.jp"
        assert msg["From"].addresses[0].display_name == "在留申請オンラインシステム"
        assert msg.get_content_charset() == "utf-8"
        assert msg["Message-ID"].endswith("@ras-immi.moj.go.jp>")
    received, complete, approved = (m.get_content() for m in msgs)
    assert "法務太郎 様" in received and re.search(r"/registration/password\?token=[\w-]+", received)
    assert f"認証ID: {auth_id}" in complete
    assert staff_id in approved and "所属太郎" in approved
    # the outbox says each was sent, and holds the same text
    outbox = api.mails()
    assert [m["smtp"] for m in outbox] == ["sent"] * 3
    assert outbox[1]["body"].replace("\r\n", "\n").strip() == complete.replace("\r\n", "\n").strip()


def test_a_refused_action_sends_nothing(smtp, smtp_app):  # noqa: ANN001
    collector, _ = smtp
    api = Api(smtp_app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    api.put_certificate(valid_until="2030-03-31")
    api.call("POST", "/api/v1/registrations/agent", registration_body(birth_date="1980-01-03"), expect=422)
    assert collector.envelopes == [] and api.mails() == []


@pytest.mark.parametrize("failure", [RuleViolation.one("WZBAM173E", 原因="x", 処理内容="y"), RuntimeError("boom")])
def test_mail_written_then_rolled_back_is_never_sent(smtp, smtp_app, failure):  # noqa: ANN001
    """A use case that mails and then fails: the outbox write is rolled back and SMTP stays silent."""
    from simulator.web.runtime import run

    collector, _ = smtp

    def mails_then_fails(ctx):  # noqa: ANN001, ANN202
        ctx.mail("victim@example.jp", "password_set", None, name="x", action="変更")
        raise failure

    with smtp_app.test_request_context("/"):
        with pytest.raises(type(failure)):
            run(mails_then_fails)
    assert collector.envelopes == []
    assert Api(smtp_app.test_client()).mails() == []


def test_an_unreachable_smtp_server_does_not_break_the_action(db_url, tmp_path):  # noqa: ANN001
    app = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "t",
                      "RASIM_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"})
    try:
        api = Api(app.test_client())
        api.set_clock("2024-04-01T09:00:00")
        api.put_certificate(valid_until="2030-03-31")
        api.register_agent(email="lawyer@example.jp", password=PASSWORD)
        assert all(m["smtp"].startswith("failed") for m in api.mails())
    finally:
        app.extensions["rasim.engine"].dispose()


def test_the_electronic_coe_arrives_as_a_pdf_attachment(smtp, smtp_app):  # noqa: ANN001
    """FAQ Q8-1/Q8-2: the COE mail carries the PDF (no photo), the text and the 受領登録 URL."""
    from tests.support.after_flow import act, coe_submitted, lawyer_flow

    collector, _ = smtp
    api = Api(smtp_app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    f = lawyer_flow(api)
    app_id = coe_submitted(f, api)
    act(api, app_id, "start_examination")
    act(api, app_id, "approve")
    [msg] = [m for m in collector.messages() if "在留資格認定証明書の交付" in m["Subject"]]
    assert msg.is_multipart()
    body = msg.get_body(("plain",)).get_content()
    assert "受領登録" in body and re.search(r"/coe-receipt/\d+", body)
    [pdf] = list(msg.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename().endswith("_COE.pdf")
    assert pdf.get_content().startswith(b"%PDF-")
