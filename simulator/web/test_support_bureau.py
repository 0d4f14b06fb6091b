"""Test support for the bureau's side (part of /test-support, off with RASIM_TEST_SUPPORT=0): the
applications as the bureau sees them, one action of the bureau on one of them, scripted outcomes for an
application or a user's next ones, the auto-bureau, and the attachment of a mail (the electronic COE)."""
from __future__ import annotations

from typing import Any

from flask import Response

from simulator.domain.errors import RuleViolation
from simulator.services import bureau, bureau_scripts, counter_coe, outbox
from simulator.web.operations import operation
from simulator.web.runtime import run
from simulator.web.test_support import P, bp

S, INT = "string", "integer"
STEPS = {"type": "array", "minItems": 1, "maxItems": bureau_scripts.MAX_STEPS,
         "items": {"type": "object", "additionalProperties": False, "required": ["action"],
                   "properties": {"after_days": {"type": INT, "minimum": 0, "maximum": bureau_scripts.MAX_DAYS},
                                  "action": {"type": S, "maxLength": 40}}}}


@operation(bp, P, "GET", "/bureau/applications", "listBureauApplications",
           "The submitted applications of every user, newest first, with their state and next actions (`state` "
           "filters)", "bureau", query={"state": S, "limit": {"type": INT, "minimum": 1, "maximum": 500}})
def list_applications(query: dict) -> Any:
    return run(bureau.list_applications, query)


@operation(bp, P, "POST", "/bureau/applications/<int:application_id>/actions", "actOnApplication",
           "One action of the bureau: start_examination, request_photo, request_documents, approve (the state and "
           "mail follow the receipt method; e-mail: the electronic COE), refuse, issue. RASIM470E when the state "
           "does not allow it", "bureau", body={"action": S}, required=["action"],
           faq="Q4-35 Q6-1 Q6-5 Q6-6 Q7-2 Q8-1 Q8-2 Q12-1")
def act(application_id: int, body: dict) -> Any:
    return run(bureau.act, application_id, body.get("action"), actor="bureau")


@operation(bp, P, "POST", "/bureau/scripts", "setBureauScript",
           "Scripted outcome: `steps` [{after_days, action}] (actions as actOnApplication, and fail_numbering) for "
           "`application_id`, or for the next `count` applications of the user `auth_id`; days count from the day "
           "of receipt, each step at 10:00 of its day", "bureau",
           body={"application_id": INT, "auth_id": S, "count": INT, "steps": STEPS}, required=["steps"],
           status=201)
def set_script(body: dict) -> Any:
    return run(bureau_scripts.set_script, body, actor="test-support")


@operation(bp, P, "PUT", "/bureau/auto", "setAutoBureau",
           "Auto-bureau: every application without a script is examined the day after receipt and decided `days` "
           "after it (`outcome` approve or refuse; an approved card by post is issued the day after); 0: off",
           "bureau", body={"days": INT, "outcome": S}, required=["days"])
def set_auto(body: dict) -> Any:
    return run(bureau_scripts.set_auto, body, actor="test-support")


@operation(bp, P, "GET", "/mails/<int:mail_id>/attachment", "getMailAttachment",
           "The file a mail carries (the electronic COE's PDF)", "mail")
def mail_attachment(mail_id: int) -> Any:
    found = run(outbox.attachment, mail_id)
    if found is None:
        raise RuleViolation.one("RASIM404E", "mail_id")
    data, name = found
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@operation(bp, P, "POST", "/bureau/coe-registrants", "registerCoeRegistrant",
           "A 「(窓口申請)在留資格認定証明書電子交付希望者」 (FAQ Q1-1 注1): the account and the mail with its ID and the "
           "link of the initial password; it can only receive a counter COE by e-mail (rasim: its registration is not "
           "described)", "bureau", form="coe_registrant", faq="Q1-1 Q8-1",
           status=201)
def register_coe_registrant(body: dict) -> Any:
    return run(counter_coe.register, body, actor="bureau")


@operation(bp, P, "POST", "/bureau/counter-coes", "issueCounterCoe",
           "The bureau grants a counter COE application of a registrant (`auth_id`): the electronic COE by e-mail with "
           "its 受領登録 URL (FAQ Q8-1)", "bureau",
           form="counter_coe", body={"auth_id": S, "bureau": S, "receipt_number": S}, required=["auth_id", "bureau"],
           faq="Q8-1", status=201)
def issue_counter_coe(body: dict) -> Any:
    return run(counter_coe.issue, body, actor="bureau")
