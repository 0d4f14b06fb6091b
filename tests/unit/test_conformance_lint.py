"""`rasim conformance lint` (conformance/lint.py) on small feature texts, and on the real features/."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conformance import faq
from conformance.cli import conformance
from conformance.lint import lint

GOOD = """# language: ja
機能: Q12 パスワード
  背景:
    前提 テスト時計を「2024-04-01T09:00:00」に設定する

  @Q12-7
  シナリオ: 5回続けて誤るとロックされる
    もし 「山田」が誤ったパスワードで5回ログインする
    ならば エラー「WZBAM153E」で拒否される

  @Q12-7 @jpki
  シナリオアウトライン: 誤った入力は拒否される
    もし 「<項目>」を空にして登録する
    ならば エラー「<コード>」で拒否される
    かつ 「山田」は元のパスワードではログインできない

    例:
      | 項目   | コード    |
      | 氏名   | WZBAM001E |

  @003-3.2
  シナリオ: 2026年版の登録
    ならば 受け付けられる
"""

BAD = """# language: ja
機能: Q12 パスワード

  シナリオ: タグのないシナリオ
    ならば 受け付けられる

  @Q99-1
  シナリオ: 存在しないFAQ番号
    ならば 受け付けられる

  @Q12-7
  シナリオ: コードのない拒否
    もし 「山田」が誤ったパスワードでログインする
    ならば 拒否される

  @Q12-7
  シナリオアウトライン: 例にコードのない拒否
    ならば エラー「<コード>」で拒否される

    例:
      | コード |
      |        |
"""

COVERAGE = """faq,status,reason
Q3-6,offline,"Progress is asked at the bureau; the scenario @Q3-6 checks the system side."
Q3-3,offline,Counter hours are an office matter.
"""


def write(folder: Path, text: str, name: str = "Q12_test.feature") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_good_feature_passes(tmp_path: Path) -> None:
    result = lint(write(tmp_path / "features", GOOD), coverage_path=None)
    assert result.findings == [], [str(f) for f in result.findings]
    assert result.scenarios == 3
    assert "no findings" in result.summary()


def test_each_broken_rule_gives_its_finding(tmp_path: Path) -> None:
    features = write(tmp_path / "features", BAD)
    found = {(f.line, f.rule) for f in lint(features, coverage_path=None).findings}
    assert found == {(4, "faq-tag"),            # untagged scenario
                     (7, "known-tag"),          # @Q99-1 is no FAQ item
                     (14, "refusal-outcome"),   # 拒否される without a code
                     (22, "refusal-outcome")}   # an example row without a code
    lines = [str(f) for f in lint(features, coverage_path=None).findings]
    assert any(line.endswith("Q12_test.feature:14: refusal step 「拒否される」 names no error code (refusal-outcome)")
               for line in lines), lines


def test_coverage_file_must_agree_with_the_tags(tmp_path: Path) -> None:
    coverage = tmp_path / "coverage.csv"
    coverage.write_text(COVERAGE, encoding="utf-8")
    text = GOOD.replace("@003-3.2", "@Q3-3")   # a scenario for an item coverage.csv calls offline
    findings = lint(write(tmp_path / "features", text), coverage_path=coverage).findings
    what = {(f.rule, f.line, f.what.split(",")[0]) for f in findings}
    assert ("coverage-agrees", 2, "entry Q3-6 says the scenario @Q3-6 exists") in what   # no @Q3-6 scenario
    assert any(f.rule == "coverage-agrees" and f.line == 21 and "@Q3-3" in f.what for f in findings), findings
    assert len(findings) == 2


def test_cli_exit_codes_and_help(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(conformance, ["lint", "--no-coverage", "--features", str(write(tmp_path / "good", GOOD))])
    assert good.exit_code == 0, good.output
    bad = runner.invoke(conformance, ["lint", "--no-coverage", "--features", str(write(tmp_path / "bad", BAD))])
    assert bad.exit_code == 1 and "(faq-tag)" in bad.output and "4 finding(s)" in bad.output, bad.output
    helptext = runner.invoke(conformance, ["lint", "--help"]).output
    for rule in ("faq-tag", "known-tag", "refusal-outcome", "coverage-agrees"):
        assert rule in helptext


def test_the_real_features_pass_the_lint() -> None:
    result = lint(faq.FEATURES)
    assert result.files and result.scenarios
    assert not result.findings, "\n".join(str(f) for f in result.findings)
