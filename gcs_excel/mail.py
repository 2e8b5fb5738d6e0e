"""`gcs mail`: each customer's review, emailed to its purchasing lead (总部档案.负责人邮箱),
optionally copied to its customer and market manager (人员名单.邮箱).

Settings come from mail.toml, a department's --config file and the command line; the
password from the environment (GCS_SMTP_PASSWORD) or the system's credential store (keyring). --eml writes drafts (.eml, for
Outlook or Foxmail) instead of sending.

Exactly once per recipient. The send log in the reviews folder (发送记录_<月份>.jsonl: one
JSON line per event, append-only, each on disk before the next step) records what
became of every envelope recipient:

* ``sending``: written before the message goes to the server, with its recipients;
* ``sent``: the server answered 250; the recipients it accepted;
* ``refused``: recipients the server refused (with its reply), tried again next run;
* ``failed``: the server refused the whole message, tried again next run.

A re-run sends a review only to the recipients not confirmed yet, so copied managers
never get it twice because the customer's own address was refused. A recipient whose
last record is ``sending`` has 状态不明 (the connection dropped before the server's answer:
it may have arrived): listed, and sent again only when asked (resend_unconfirmed), with
the same Message-ID, by which a receiving mail system can drop a duplicate. Ctrl-C while
a message is with the server lets that message finish and be logged; the run stops then.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import os
import signal
import smtplib
import socket
import ssl
import threading
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .checks.identifiers import email as email_check
from .dept import HQ, load_department
from .errors import ConfigError, GcsError, WriteError
from .reporting.names import manifest_name, month_words
from .quota_check import check_month
from .validation import validate_readable
from .writing import append_line, atomic_output, write_reason

PASSWORD_ENV = "GCS_SMTP_PASSWORD"
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SECURITY = ("none", "starttls", "ssl")


class SendError(GcsError):
    """Sending stopped (the log keeps what was done; a re-run resumes)."""


@functools.cache
def _defaults() -> dict:
    return tomllib.loads(resources.files("gcs_excel").joinpath("mail.toml").read_text("utf-8"))


@dataclass
class MailSettings:
    """Server, sender and message templates of `gcs mail` (the password from the environment)."""
    host: str
    port: int
    security: str
    user: str
    sender: str
    sender_name: str
    cafile: str
    timeout: int
    subject: str
    body: str
    signature: str
    password: str = field(default="", repr=False)


def load_settings(config: str | Path | None = None, *, smtp: str | None = None, security: str | None = None,
                  user: str | None = None, sender: str | None = None) -> MailSettings:
    """mail.toml's defaults, overridden by a department's config file, then by the
    command line; the password from GCS_SMTP_PASSWORD or the credential store (smtp_password)."""
    data = copy.deepcopy(_defaults())
    if config:
        try:
            override = tomllib.loads(Path(config).read_text("utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"找不到邮件设置文件 {config}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"邮件设置文件 {config} 格式不对：{e}") from None
        for section, values in override.items():
            if section not in data or not isinstance(values, dict):
                raise ConfigError(f"邮件设置文件里的 [{section}] 不是已知的一节（可用：smtp、message）")
            for key, value in values.items():
                if key not in data[section]:
                    raise ConfigError(f"邮件设置文件里的 {section}.{key} 不是已知的设置")
                if type(value) is not type(data[section][key]):
                    raise ConfigError(f"邮件设置文件里的 {section}.{key} 类型不对")
                data[section][key] = value
    s, m = data["smtp"], data["message"]
    if smtp:
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"--smtp 请写成 主机:端口，如 smtp.example.cn:465（现在是 {smtp}）")
        s["host"], s["port"] = host, int(port)
    if security:
        s["security"] = security
    if user is not None:
        s["user"] = user
    if sender:
        s["from"] = sender
    if s["security"] not in SECURITY:
        raise ConfigError(f"smtp.security 只能是 {'、'.join(SECURITY)}")
    password = smtp_password(s["user"])
    return MailSettings(s["host"], s["port"], s["security"], s["user"], s["from"], s["from_name"], s["cafile"],
                        s["timeout"], m["subject"], m["body"], m["signature"], password)


KEYRING_SERVICE = "gcs_excel"


def smtp_password(user: str) -> str:
    """The SMTP password: GCS_SMTP_PASSWORD, else the system's credential store (the
    Windows Credential Locker, macOS Keychain) when keyring is installed (the excel extra)
    and holds one for (gcs_excel, user): `keyring set gcs_excel <user>` stores it once."""
    password = os.environ.get(PASSWORD_ENV, "")
    if password or not user:
        return password
    try:
        import keyring      # optional, and slow to import: only when a password is needed

        return keyring.get_password(KEYRING_SERVICE, user) or ""
    except Exception:       # not installed, no usable backend, a locked store: as if none
        return ""


@dataclass
class Letter:
    """One customer's review as a message: who it is for, and who gets it in this run."""
    customer: str
    name: str
    file: Path
    to: str
    cc: list[tuple[str, str]]       # (name, address) of each copy
    message: EmailMessage
    message_id: str
    digest: str
    envelope: list[str] = field(default_factory=list)   # the addresses it goes to in this run
    again: bool = False             # it goes again to a recipient of 状态不明 (resend_unconfirmed)

    @property
    def recipients(self) -> list[str]:
        """Every address of the message: the customer's, then the copied managers'."""
        return list(dict.fromkeys([self.to, *(addr for _, addr in self.cc)]))


@dataclass
class MailResult:
    """What a `gcs mail` run did and did not do; nothing left out without a line here."""
    month: str
    sent: list[Letter] = field(default_factory=list)
    resent: list[Letter] = field(default_factory=list)          # 状态不明 before, sent again as asked
    drafts: list[Path] = field(default_factory=list)
    planned: list[Letter] = field(default_factory=list)         # --dry-run
    already: list[str] = field(default_factory=list)            # every recipient had it from an earlier run
    unconfirmed: list[tuple[Letter, list[str]]] = field(default_factory=list)   # 状态不明, not sent again
    no_address: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)   # reviews of customers not in the files
    missing_files: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str, str, str]] = field(default_factory=list)   # code, name, address, why
    failed: list[tuple[str, str, str]] = field(default_factory=list)         # code, name, why (whole message)
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False
    mode: str = "send"          # send / dry-run / eml
    log: Path | None = None
    eml_dir: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 when every review reached everyone it is for, 1 when someone did not get it
        (refused, failed, 状态不明, no address, no review file, customer unknown)."""
        left = (self.refused or self.failed or self.unconfirmed or self.no_address or self.unknown
                or self.missing_files)
        return 1 if left else 0


def log_name(month: str) -> str:
    """The send log's file name for a month (in the reviews folder)."""
    return f"发送记录_{month}.jsonl"


# --- the send log -------------------------------------------------------------------------
@dataclass(frozen=True)
class Logged:
    """The last thing the log says about one recipient of one customer's review."""
    status: str             # sending / sent / refused / failed
    message_id: str
    sha256: str


def read_log(path: Path) -> tuple[dict[str, dict[str, Logged]], list[str]]:
    """Customer -> address (lower case) -> its last record; and notes on damaged lines.
    A line cut short (the disk filled up, the run was killed while writing) is ignored
    and reported: a cut "sending" was never followed by sending, a cut "sent" leaves the
    recipient 状态不明, so nothing is sent twice or lost because of it."""
    states: dict[str, dict[str, Logged]] = {}
    if not path.exists():
        return states, []
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"无法读取发送记录 {path}：{write_reason(e, path)}") from e
    damaged = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
            status, customer = entry["status"], entry["customer"]
            addresses = _logged_addresses(entry)
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError):
            damaged.append(number)
            continue
        mine = states.setdefault(customer, {})
        for address in addresses:
            mine[address.lower()] = Logged(status, entry.get("message_id", ""), entry.get("sha256", ""))
    notes = []
    if damaged:
        where = "、".join(map(str, damaged[:10])) + ("……" if len(damaged) > 10 else "")
        notes.append(f"发送记录 {path.name} 第 {where} 行不完整或已损坏（多半是写到一半时磁盘满了或程序被终止），"
                     "已忽略；不会因此重发或漏发")
    return states, notes


def _logged_addresses(entry: dict) -> list[str]:
    """The recipients a record is about. Logs of earlier versions name the customer's
    address and the copies (to, cc) and refused only the customer's address."""
    if "recipients" in entry:
        return [str(a) for a in entry["recipients"]]
    if entry["status"] == "refused":
        return [entry["to"]]
    return [entry["to"], *(addr for _, addr in getaddresses(entry.get("cc") or []))]


def _record(path: Path, status: str, letter: Letter, recipients: list[str], **extra) -> None:
    """One event in the send log, on disk before anything else happens."""
    entry = {"time": dt.datetime.now().isoformat(timespec="seconds"), "status": status,
             "customer": letter.customer, "name": letter.name, "file": letter.file.name,
             "sha256": letter.digest, "message_id": letter.message_id, "recipients": recipients, **extra}
    append_line(path, json.dumps(entry, ensure_ascii=False))


def _log_writable(path: Path) -> None:
    """Refuse to start sending when the log cannot be written (a read-only folder)."""
    try:
        with open(path, "ab"):
            pass
    except OSError as e:
        raise WriteError(f"无法写入发送记录 {path}：{write_reason(e, path)}；没有发送任何邮件") from e


def _envelope(letter: Letter, logged: dict[str, Logged], result: MailResult, resend_unconfirmed: bool) -> None:
    """Who gets the letter in this run: every recipient not confirmed yet; a recipient
    of 状态不明 only when asked, then with the Message-ID of the attempt."""
    pending, unknown = [], []
    for address in letter.recipients:
        state = logged.get(address.lower())
        if state is None or state.status in ("refused", "failed"):
            pending.append(address)
        elif state.status == "sending":
            unknown.append((address, state))
    if unknown and resend_unconfirmed:
        earlier = unknown[0][1]
        if earlier.sha256 == letter.digest:     # the same review: the same Message-ID
            _set_message_id(letter, earlier.message_id)
        else:
            result.notes.append(f"{letter.name}：上次没确认的是旧版本的回顾，这次发新版本（收件人可能收到两封）")
        pending += [address for address, _ in unknown]
        letter.again = True
    elif unknown:
        result.unconfirmed.append((letter, [address for address, _ in unknown]))
    letter.envelope = [a for a in letter.recipients if a in pending]
    done = [a for a in letter.recipients if a not in pending and a not in (u for u, _ in unknown)]
    if not letter.envelope and not unknown:
        result.already.append(letter.customer)
    elif letter.envelope and done:
        result.notes.append(f"{letter.customer} {letter.name}：之前已发给 {'、'.join(done)}，"
                            f"这次只发给 {'、'.join(letter.envelope)}")


def _set_message_id(letter: Letter, message_id: str) -> None:
    del letter.message["Message-ID"]
    letter.message["Message-ID"] = letter.message_id = message_id


# --- the message --------------------------------------------------------------------------
def _letter(hq: HQ, review: Path, month: str, settings: MailSettings, cc: list[tuple[str, str]],
            managers: dict[str, Any]) -> Letter:
    data = review.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    domain = (settings.sender.rpartition("@")[2] or socket.getfqdn() or "gcs-excel.local").strip(">")
    message_id = f"<gcs-review-{month}-{hq.code}-{digest[:16]}@{domain}>"
    values = {"客户名称": hq.name, "客户编码": hq.code, "购销负责人": hq.buyer or "负责人", "月份": month,
              "月份文字": month_words(month), "附件名": review.name, "落款": settings.signature, **managers}
    try:
        subject = " ".join(settings.subject.format(**values).split())     # a header is one line
        body = settings.body.format(**values)
    except (KeyError, IndexError, ValueError) as e:
        raise ConfigError(f"邮件模板里的占位 {e} 不认识（可用：{'、'.join('{' + k + '}' for k in values)}）") from None
    msg = EmailMessage()
    msg["From"] = formataddr((settings.sender_name, settings.sender)) if settings.sender else settings.sender_name
    msg["To"] = formataddr((" ".join(hq.buyer.split()), hq.email)) if hq.buyer else hq.email
    if cc:
        msg["Cc"] = ", ".join(map(formataddr, cc))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = message_id
    msg.set_content(body)
    msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=review.name)
    return Letter(hq.code, hq.name, review, hq.email, cc, msg, message_id, digest)


# --- the connection -----------------------------------------------------------------------
class _Tracking:
    """Remembers whether the current message's content has started to go out (DATA):
    a connection lost before that lost nothing; after it, the message may have arrived."""
    in_data = False

    def data(self, msg):
        """smtplib's DATA, remembered."""
        self.in_data = True
        return super().data(msg)


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL):
    pass


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.cafile or None)
    try:
        if settings.security == "ssl":
            smtp = _SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            smtp = _SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password)
        return smtp
    except smtplib.SMTPAuthenticationError:
        raise SendError(f"邮件服务器拒绝了用户 {settings.user} 的登录：请检查用户名和环境变量 {PASSWORD_ENV}") from None
    except ssl.SSLError as e:
        raise SendError(f"和邮件服务器 {settings.host}:{settings.port} 建立加密连接失败（{e.reason}）") from None
    except (OSError, smtplib.SMTPException) as e:
        raise SendError(f"连不上邮件服务器 {settings.host}:{settings.port}（{e}）") from None


class _Held:
    """The signal received while a message was with the server, if any."""
    signum: int | None = None


@contextmanager
def _finish_first() -> Iterator[_Held]:
    """Ctrl-C (and SIGTERM) while messages go out are held: the message with the server
    finishes and is logged, then the run stops. A second one acts at once."""
    held = _Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def hold(signum, frame):
        """The first signal is held until the message is done; a second acts at once."""
        if held.signum is not None:
            raise KeyboardInterrupt
        held.signum = signum

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield held
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# --- the command --------------------------------------------------------------------------
def send_reviews(paths: Sequence[str | Path], month: str, reports: str | Path, *,
                 settings: MailSettings | None = None, cc_managers: bool = False,
                 eml_dir: str | Path | None = None, dry_run: bool = False, resend_unconfirmed: bool = False,
                 progress: Callable[[int, int, str], None] | None = None) -> MailResult:
    """The `gcs mail` command: each review to the recipients who have not had it yet
    (see the module's docstring); --eml drafts and --dry-run send nothing."""
    check_month(month)
    settings = settings or load_settings()
    reports = Path(reports)
    manifest = reports / manifest_name(month)
    if not manifest.exists():
        raise ConfigError(f"{reports} 里没有 {month} 的销售回顾清单（{manifest.name}）：请先运行 gcs monthly")
    reviews = json.loads(manifest.read_text("utf-8"))["reviews"]
    v = validate_readable(paths)
    dept = load_department(v)
    if "hq" not in dept.present:
        raise ConfigError("发邮件需要总部档案（收件人是其中的负责人邮箱）")
    if cc_managers and "staff" not in dept.present:
        raise ConfigError("--cc-managers 需要人员名单（抄送地址是其中的邮箱）")
    if not (dry_run or eml_dir) and not settings.sender:
        raise ConfigError("没有发件人地址：请用 --from 或在设置文件的 [smtp] from 里写上")
    if settings.sender and email_check(settings.sender) is not None:
        raise ConfigError(f"发件人地址「{settings.sender}」不是有效的邮箱地址")
    if settings.user and not settings.password and not (dry_run or eml_dir):
        raise ConfigError(f"用户 {settings.user} 需要密码：请把密码放在环境变量 {PASSWORD_ENV} 里，"
                          f"或用 keyring set {KEYRING_SERVICE} {settings.user} 存进系统的凭据管理器")
    mode = "dry-run" if dry_run else "eml" if eml_dir else "send"
    result = MailResult(month, mode=mode, log=reports / log_name(month), eml_dir=Path(eml_dir) if eml_dir else None)
    logged, result.notes = read_log(result.log) if not eml_dir else ({}, [])
    letters = []
    for r in reviews:
        hq = dept.hqs.get(r["customer"])
        if hq is None:
            result.unknown.append((r["customer"], r["name"]))
            continue
        if not hq.email:
            result.no_address.append((hq.code, hq.name))
            continue
        file = reports / r["file"]
        if not file.exists():
            result.missing_files.append((hq.code, r["file"]))
            continue
        people = {"客户经理": hq.cm or "", "市场经理": hq.mm or "",
                  "客户经理邮箱": _email(dept, hq.cm), "市场经理邮箱": _email(dept, hq.mm)}
        cc = []
        if cc_managers:
            for role, who in (("客户经理", hq.cm), ("市场经理", hq.mm)):
                address = people[f"{role}邮箱"]
                if address:
                    cc.append((" ".join(who.split()), address))
                elif who:
                    result.notes.append(f"{hq.code} {hq.name}：{role}{who} 在人员名单里没有邮箱，未抄送")
        letter = _letter(hq, file, month, settings, cc, people)
        if eml_dir:
            letters.append(letter)
            continue
        _envelope(letter, logged.get(hq.code, {}), result, resend_unconfirmed)
        if letter.envelope:
            letters.append(letter)
    if dry_run:
        result.planned = letters
        return result
    if eml_dir:
        _write_drafts(letters, Path(eml_dir), result, progress)
        return result
    if letters:
        _log_writable(result.log)
        _send_all(letters, settings, result, progress)
    return result


def _write_drafts(letters: list[Letter], folder: Path, result: MailResult, progress) -> None:
    for k, letter in enumerate(letters):
        if progress:
            progress(k, len(letters), letter.name)
        target = folder / letter.file.with_suffix(".eml").name
        letter.message["X-Unsent"] = "1"        # Outlook opens it as a draft to send
        with atomic_output(target) as tmp:
            tmp.write_bytes(bytes(letter.message))
        result.drafts.append(target)
    if progress:
        progress(len(letters), len(letters), "")


def _send_all(letters: list[Letter], settings: MailSettings, result: MailResult, progress) -> None:
    smtp = _connect(settings)
    try:
        with _finish_first() as held:
            for k, letter in enumerate(letters):
                if held.signum is not None:
                    result.interrupted = True
                    break
                if progress:
                    progress(k, len(letters), letter.name)
                _send(smtp, letter, settings, result)
            if progress:
                progress(len(letters), len(letters), "")
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass


def _send(smtp, letter: Letter, settings: MailSettings, result: MailResult) -> None:
    """One message to its envelope, every step logged; see the module's docstring."""
    log = result.log
    _record(log, "sending", letter, letter.envelope)     # on disk before anything goes out
    smtp.in_data = False
    try:
        refused = smtp.send_message(letter.message, to_addrs=letter.envelope)
    except smtplib.SMTPRecipientsRefused as e:          # every recipient refused: nothing went out
        refused = e.recipients
    except smtplib.SMTPResponseException as e:          # the server said no to the whole message
        why = _reason((e.smtp_code, e.smtp_error))
        _record(log, "failed", letter, letter.envelope, reason=why)
        if isinstance(e, smtplib.SMTPSenderRefused):
            raise SendError(f"邮件服务器拒绝了发件人 {settings.sender}（{why}），已停止；没有发出的会在下次运行时发送") from None
        result.failed.append((letter.customer, letter.name, why))
        return
    except (smtplib.SMTPException, OSError) as e:
        if not smtp.in_data:                            # lost before the content went out: not sent
            _record(log, "failed", letter, letter.envelope, reason=f"连接中断：{e}")
            raise SendError(f"发送给 {letter.name} 之前和邮件服务器的连接断了（{e}），已停止；这一封没有发出。"
                            f"已发出的都记在 {log.name}，再运行一次会接着发") from None
        raise SendError(f"发送给 {letter.name}（{'、'.join(letter.envelope)}）时连接断了，没有等到服务器的确认（{e}）："
                        f"这一封状态不明，可能已经送达，已停止。再运行一次会接着发其余的；这一封会列为状态不明，"
                        f"确认对方没有收到后用 --resend-unconfirmed 重发") from None
    accepted = [a for a in letter.envelope if a not in refused]
    try:
        if accepted:
            _record(log, "sent", letter, accepted)
        if refused:
            _record(log, "refused", letter, list(refused), reasons={a: _reason(r) for a, r in refused.items()})
    except WriteError as e:
        raise SendError(f"{letter.name} 已发出，但发送记录写不进去（{e}），已停止。下次运行时这一封会列为状态不明，"
                        "不要重发它") from None
    for address, reply in refused.items():
        result.refused.append((letter.customer, letter.name, address, _reason(reply)))
    if accepted:
        (result.resent if letter.again else result.sent).append(letter)


def _reason(reply) -> str:
    code, text = reply if isinstance(reply, tuple) else (None, reply)
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _email(dept, name: str | None) -> str:
    person = dept.staff.get(name or "")
    return (person.email or "") if person else ""
