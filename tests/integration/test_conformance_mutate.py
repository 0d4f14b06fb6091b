"""`rasim conformance mutate`: the source-comment parser, the mutants, and one real run on lock_hours
(the 24-hour lock of FAQ Q12-7 is pinned by a scenario, so both ±1 mutants must be killed)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conformance import mutate

ROOT = Path(__file__).resolve().parents[2]


def test_faq_tags_of_a_source_comment() -> None:
    assert mutate.faq_tags("FAQ Q12-7") == ("Q12-7",)
    assert mutate.faq_tags("FAQ Q12-7, Q2-6") == ("Q12-7", "Q2-6")
    assert mutate.faq_tags("FAQ Q12-7, WZBAM153E") == ("Q12-7",)
    assert mutate.faq_tags("004 §1.3, FAQ Q4-27") == ("Q4-27", "004-1.3")
    assert mutate.faq_tags("004 §2.15.7") == ("004-2.15.7",)
    assert mutate.faq_tags("rasim") == ()


def test_source_comments_inherit_from_the_line_above() -> None:
    text = ('class Edition:\n    name: str\n    a: int = 6                # 004 §2.16.2\n    b: int = 20\n'
            '    c: tuple[int, ...] = (30, 7)   # FAQ Q12-1\n    d: str = "$_#+"\n\n    @property\n'
            '    def e(self) -> int:\n        f: int = 1  # rasim\n')
    assert mutate.source_comments(text) == {"a": "004 §2.16.2", "b": "004 §2.16.2",
                                            "c": "FAQ Q12-1", "d": "FAQ Q12-1"}


def test_rules_and_mutants() -> None:
    rules = {r.name: r for r in mutate.rules()}
    assert rules["lock_hours"].tags == ("Q12-7",)
    assert rules["password_max"].source == rules["password_min"].source
    assert rules["password_min"].tags == ("004-2.15.7",)   # a manual's section is a scenario tag too
    assert "mail_from" not in rules
    assert [m.value for m in mutate.mutants(rules["lock_hours"])] == [23, 25]
    assert [m.value for m in mutate.mutants(rules["residence_card_notice_days"])] == [
        (29, 7), (31, 7), (30, 6), (30, 8)]
    assert len(mutate.select(rules.values(), sample=3)) == 3
    assert mutate.select(rules.values(), sample=3) == mutate.select(rules.values(), sample=3)


def test_mutate_lock_hours_kills_both_mutants(tmp_path: Path) -> None:
    report = tmp_path / "mutation.md"
    done = subprocess.run([sys.executable, "-m", "simulator.cli", "conformance", "mutate", "--rule", "lock_hours",
                           "--jobs", "2", "--report", str(report)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text(encoding="utf-8")
    assert "| `lock_hours` | FAQ Q12-7, WZBAM153E | 24 → 23 | @Q12-7 | killed |" in text
    assert "| `lock_hours` | FAQ Q12-7, WZBAM153E | 24 → 25 | @Q12-7 | killed |" in text
    assert "Score: 2 / 2 killed" in text


def test_mutmut_mutates_the_domain_code_into_the_same_report(tmp_path: Path) -> None:
    """A small fixed sample of `--python`: the registration rules, all mutants killed by tests/unit."""
    report = tmp_path / "mutation.md"
    done = subprocess.run([sys.executable, "-m", "simulator.cli", "conformance", "mutate", "--rule", "lock_hours",
                           "--jobs", "2", "--python", "simulator.domain.registration.*", "--report", str(report)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "## The Python code of the rules (mutmut)" in text
    killed, judged = map(int, re.search(r"\*\*Score: (\d+) / (\d+) killed", text.split("(mutmut)")[1]).groups())
    assert judged > 20 and killed == judged, text[-1500:]
