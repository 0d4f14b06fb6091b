"""一人ずつの在留申請, edition 2026 (seed 003 §4.2): a required item left empty stops the input at its screen
(§4.2.1); the face photo is a JPEG of 縦4:横3 (§4.2.2), the rule of the bulk rows (§5.3.3). Photos of any
height : width are made here."""
from __future__ import annotations

import io
import uuid

from pytest_bdd import parsers, step, then

from conformance.steps.applications_common import SCREENS, _as, _input, _row
from conformance.steps.applications_files import _attach_photo
from conformance.steps.world import World, expect_ok


def jpeg_of_ratio(tall: int, wide: int, unit: int = 80) -> bytes:
    """A JPEG photo of height : width = tall : wide (e.g. 4:3 → 240 × 320), a different one each call."""
    from PIL import Image

    shade = uuid.uuid4().int % 60
    buf = io.BytesIO()
    Image.new("RGB", (wide * unit, tall * unit), (150 + shade, 160, 170)).save(buf, "JPEG", quality=60)
    return buf.getvalue()


@step(parsers.re(r"「(?P<who>[^」]+)」が「(?P<applicant>[^」]+)」の申請に縦(?P<tall>\d+):横(?P<wide>\d+)の顔写真"
                 r"「(?P<filename>[^」]+)」を添付する"))
def attach_photo_of_ratio(world: World, who: str, applicant: str, tall: str, wide: str, filename: str) -> None:
    unit = 80 if max(int(tall), int(wide)) < 10 else 20   # at most 320 pixels a side: well under 50 KB
    _attach_photo(world, who, applicant, filename, jpeg_of_ratio(int(tall), int(wide), unit))


@then(parsers.parse("「{applicant}」の申請には顔写真が登録されていない"))
def no_photo(world: World, applicant: str) -> None:
    row = _row(world, applicant)
    assert row["photo_state"] == "none", f"the photo was registered after all: {row['photo_state']}"


@then(parsers.re(r"入力途中の申請情報は(?P<screen>身分事項2\(STEP2-2\)|活動に関する事項\(STEP2-3\))に進んでいない"))
def input_not_past(world: World, screen: str) -> None:
    inp = _input(world)
    shown = expect_ok(_as(world, inp["user"], lambda t: world.client.application_input(t)), "getApplicationInput")
    done = {s["step"] for s in shown["steps"] if s["done"]}
    assert SCREENS[screen] not in done and shown["next_step"] != SCREENS[screen], \
        f"the input went on to {screen}: next {shown['next_step']}, done {sorted(done)}"
