"""An edition of the system as one typed, frozen object. The defaults are the 2024 system (the FAQ
of 2024-03-19 and the lawyers' manual, seed 004); catalog/editions.toml lists, per edition, only
what differs from them. Deployment settings (where the card bridge listens, how large a body may
be) are not an edition's: they are the app's configuration (RASIM_CARD_BRIDGE_URL,
RASIM_MAX_REQUEST_BYTES)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edition:
    name: str
    label: str = ""
    id_label_ja: str = "認証ID"                       # 004 §2.2
    id_label_en: str = "Authentication ID"
    session_timeout_minutes: int = 30                # 004 §1.3, FAQ Q4-27
    session_warning_minutes: int = 0                 # 003 §2.6: a dialog 10 minutes before the logout (2024: none)
    back_navigation_ends_session: bool = True        # FAQ Q4-20: Back logs out (003 §1.3: an error, no logout)
    bookmarks_refused: bool = False                  # 003 §1.3: [申込] and later screens cannot be opened from a
                                                     # bookmark (2024: not stated; its Back rule ends the session)
    lock_after_failures: int = 5                     # FAQ Q12-7
    lock_hours: int = 24                             # FAQ Q12-7, WZBAM153E
    password_min: int = 8                            # 004 §2.15.7
    password_max: int = 32
    password_classes: tuple[str, ...] = ("letter", "digit", "symbol")
    password_symbols: str = "$%&=@_#+.?!"
    password_valid_days: int = 180                   # rasim
    password_expiry_notice_days: int = 14            # rasim
    registration_link_valid_days: int = 30           # rasim
    registration_email_link_valid_hours: int = 0     # 003 §3.2: the e-mail-first 利用者登録's link (2024: no such flow)
    auth_id_reminder: bool = False                   # 003 §2.4: 利用者IDを忘れた場合 (2024: none online)
    email_change_link_valid_hours: int = 24          # rasim
    reset_link_valid_hours: int = 24                 # rasim
    reset_mails_per_hour: int = 5                    # rasim
    email_change_confirmation: bool = False          # 004 §2.15.1, §2.15.4: a new address takes effect at once
    reset_lifts_lock: bool = False                   # FAQ Q12-7: time (24 h) or the bureau (WZBAM153E: 再通知)
    initial_password_deadline_days: int = 30         # FAQ Q3-7
    usage_valid_years: int = 1                       # FAQ Q3-7
    periodic_report_notice_months: int = 2           # FAQ Q9-2, Q12-1
    periodic_report_due_months: int = 1              # FAQ Q3-7, Q9-2
    agent_certificate_notice_days: tuple[int, ...] = (30, 7)   # FAQ Q12-1
    residence_card_notice_days: tuple[int, ...] = (30, 7)      # FAQ Q12-1
    mail_from: str = "noreply@ras-immi.moj.go.jp"   # FAQ Q2-6, Q12-8
    auth_id_alphabet: str = "abcdefghijkmnpqrstuvwxyz23456789"
    auth_id_pattern: str = "lllllddddd"              # like the manual's example mctay42863
    card_challenge_valid_seconds: int = 300          # rasim
    application_input_minutes: int = 30              # FAQ Q4-27: input without a screen change is erased
    photo_max_bytes: int = 51200                     # FAQ Q4-6, WZBAM147E 「50キロバイト」 (50 × 1024: rasim)
    document_max_bytes: int = 10 * 1024 * 1024       # FAQ Q4-2, WZBAM184E 「10メガバイト」 (10 × 1024²: rasim)
    search_max_hits: int = 1000                      # 004 §2.6.2 WZBAM137E example 「1000件」
    list_page_size: int = 10                         # 004 §2.7 「1-10件表示中」
    receipt_number_delay_days: int = 1               # FAQ Q4-15: the receipt number on the next day
    bulk_max_rows: int = 300                         # FAQ Q4-24, 004 §2.5.3 #3 (WZBAM142E)
    bulk_max_bytes: int = 5 * 1024 * 1024            # WZBAM144E; the size is not stated (rasim: 5 MiB)
    bulk_error_mail_minutes: int = 3                 # FAQ Q4-25 「数分後」 (rasim: 3)
    bulk_reading: str = "worker"                     # 004 §2.5.7: rows registered in the background (worker);
                                                     # 003 §5.3.1: read at upload, 正常/要確認 per row (at_upload)
    residence_files_max: int = 0                     # 003 §4.2.3, §5.3.4: a residence application's files (one
                                                     # person's or a bulk row's), 20 with the photo (2024: 0, one
                                                     # photo and one PDF attached once from the list, 004 §2.7)
    residence_files_max_bytes: int = 0               # 003 §4.2.3, §5.3.4 「合計25MB」 with the photo (25 × 1024²: rasim)
    submission_reference: bool = False               # 003 §1.7: a residence application's 申込 gives a 整理番号 and a
                                                     # パスワード, each in a mail (2024: only the 申請受付仮番号, FAQ Q4-14)
    photo_aspect: str = ""                           # 003 §4.2.2, §5.3.3 「縦 4:横 3」 (2024: not checked, 004 §3.1)
    photo_aspect_tolerance: float = 0.02             # rasim: 003 gives no tolerance; ±2 % of height / width
    pdf_error_files: str = "flag"                    # FAQ Q4-2: a restricted or non-conforming PDF is taken and
                                                     # flagged (flag); 003 §5.3.4: refused with a message (refuse)
    correction_reminder_days: int = 0                # 003 §7.2 参考: the request mail again after 7 days (2024: none)
    coe_reminder_days: int = 0                       # 003 §7.4: the COE mail again every 7 days while unregistered
    coe_reminder_months: int = 3                     # 003 §7.4: … until 3 months after the COE was issued
    receipt_change_result_minutes: int = 60          # 003 §7.3: the result of 受領方法変更申出 comes later (rasim: 1 h)
    postal_receipt_documents_days: int = 14          # FAQ Q6-9: send the documents within 14 days of the mail
    coe_receipt_path: str = "/coe-receipt/{id}"      # 004 §2.14.2: the mail's URL opens S27 (2026: the list, §7.4)
    temporary_save: bool = False                     # 003 §8.2: input in progress saved to / loaded from a file
    temporary_save_version: int = 1                  # 003 §8.2: bumped by a system modification → older files refused
    temporary_save_max_bytes: int = 262144           # rasim: the largest file [ファイル読み込] reads (256 KiB; as base64
                                                     # it fits the form field limit of [ファイル読込確認])
    temporary_save_extension: str = "rasim"          # rasim: the seed names no file or extension
    input_reuse_years: int = 0                       # 003 §8.3: past input of the same procedure, 2 years (2024: none)
    procedure_catalogue: bool = False                # 003 §4.1, §8.1, §9: [オンライン申請手続き], お気に入り, [マイページ]
    status_list_page_sizes: tuple[int, ...] = ()     # 003 §7.1 表示数変更 (10件ずつ / 20件ずつ); none: no [申込一覧]
    procedure_requests: tuple[str, ...] = ()         # 003 §3.3, §6: the forms of the online 利用申出 / 定期報告
                                                     # (catalog/forms/, services/procedure_requests.py; 2024: on paper)
    language_menu: str = ""                          # 003 §1.6: the [Language] menu's list (catalog/lists/; 2026
                                                     # ui_languages, 8); rasim has Japanese and English texts only
    forms: str = ""                                  # a folder of catalog/forms whose files and fields.csv rows
                                                     # replace the shared ones (2026: the limits of 003 §4.2.1)
    templates: str = ""                              # a folder of web/templates whose pages replace the shared
                                                     # ones of the same name (2026: its screens of seed 003)
    application_data: str = ""                       # whose operation matrix and transitions (default: its own)
    extra: dict = field(default_factory=dict)

    @property
    def applications_edition(self) -> str:
        """The edition whose application data (catalog/application_*.csv rows) this edition uses."""
        return self.application_data or self.name

    @property
    def mail_domain(self) -> str:
        return "@" + self.mail_from.split("@", 1)[1]

    def placeholders(self, lang: str) -> dict[str, str]:
        """What a label may say in braces: {id_label}, {password_min}, {password_max}, {mail_domain}, …
        (words come from the catalogue's labels; an edition supplies only names and figures)."""
        ja = lang != "en"
        return {"id_label": self.id_label_ja if ja else self.id_label_en,
                "password_min": str(self.password_min), "password_max": str(self.password_max),
                "session_minutes": str(self.session_timeout_minutes),
                "session_span": _span(self.session_timeout_minutes, ja),
                "mail_domain": self.mail_domain, "lock_hours": str(self.lock_hours),
                "lock_after_failures": str(self.lock_after_failures)}


def _span(minutes: int, ja: bool) -> str:
    """30 → 30分 / 30 minutes; 180 → 3時間 / 3 hours (a figure, worded as the manuals word it)."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours}時間" if ja else f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes}分" if ja else f"{minutes} minutes"


FIELDS = {f.name for f in dataclasses.fields(Edition)}


def make(name: str, values: dict) -> Edition:
    unknown = set(values) - FIELDS
    if unknown:
        raise ValueError(f"editions.toml [edition.{name}]: unknown settings {sorted(unknown)}")
    typed = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return Edition(name=name, **typed)
