"""`gcs mail`: each customer's review, emailed to its purchasing lead (总部档案.负责人邮箱),
optionally copied to its customer and market manager (人员名单.邮箱).

Settings come from mail.toml, a department's --config file and the command line; the
password only from the environment (GCS_SMTP_PASSWORD). A send log in the reviews folder
(one JSON line per attempt and per success) makes a re-run send nothing already sent,
and a run that died midway resume: a message attempted but not confirmed is sent again
with the same Message-ID, which receiving mail systems use to drop duplicates. --eml
writes drafts (.eml, for Outlook or Foxmail) instead of sending.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import os
import smtplib
import socket
import ssl
import tomllib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

from .checks.identifiers import email as email_check
from .dept import HQ, load_department
from .errors import ConfigError, GcsError
from .monthly.names import manifest_name, month_words
from .quotas import check_month
from .validate import validate_readable
from .writing import atomic_output

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
    password = os.environ.get(PASSWORD_ENV, "")
    return MailSettings(s["host"], s["port"], s["security"], s["user"], s["from"], s["from_name"], s["cafile"],
                        s["timeout"], m["subject"], m["body"], m["signature"], password)


@dataclass
class Letter:
    customer: str
    name: str
    file: Path
    to: str
    cc: list[str]
    message: EmailMessage
    message_id: str
    digest: str


@dataclass
class MailResult:
    month: str
    sent: list[Letter] = field(default_factory=list)
    resent: list[Letter] = field(default_factory=list)        # attempted before, not confirmed
    drafts: list[Path] = field(default_factory=list)
    planned: list[Letter] = field(default_factory=list)        # --dry-run
    already: list[str] = field(default_factory=list)           # customers sent in an earlier run
    no_address: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)   # reviews of customers not in the files
    missing_files: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str, str, str]] = field(default_factory=list)   # code, name, address, why
    notes: list[str] = field(default_factory=list)
    log: Path | None = None


def log_name(month: str) -> str:
    return f"发送记录_{month}.jsonl"


def _read_log(path: Path) -> tuple[set[str], dict[str, tuple[str, str]]]:
    """Customers confirmed sent, and (message id, sha256) of attempts without a confirmation."""
    sent, attempted = set(), {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue        # a line cut off when a run died
            if entry.get("status") == "sent":
                sent.add(entry["customer"])
            elif entry.get("status") == "sending":
                attempted[entry["customer"]] = (entry["message_id"], entry.get("sha256", ""))
    return sent, {c: m for c, m in attempted.items() if c not in sent}


def _log(path: Path, letter: Letter, status: str) -> None:
    entry = {"time": dt.datetime.now().isoformat(timespec="seconds"), "status": status,
             "customer": letter.customer, "name": letter.name, "file": letter.file.name,
             "sha256": letter.digest, "to": letter.to, "cc": letter.cc, "message_id": letter.message_id}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())       # on disk before the next message goes out


def _letter(hq: HQ, review: Path, month: str, settings: MailSettings, cc: list[str],
            managers: dict[str, Any]) -> Letter:
    data = review.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    domain = (settings.sender.rpartition("@")[2] or socket.getfqdn() or "gcs-excel.local").strip(">")
    message_id = f"<gcs-review-{month}-{hq.code}-{digest[:16]}@{domain}>"
    values = {"客户名称": hq.name, "客户编码": hq.code, "购销负责人": hq.buyer or "负责人", "月份": month,
              "月份文字": month_words(month), "附件名": review.name, "落款": settings.signature, **managers}
    try:
        subject = settings.subject.format(**values)
        body = settings.body.format(**values)
    except (KeyError, IndexError, ValueError) as e:
        raise ConfigError(f"邮件模板里的占位 {e} 不认识（可用：{'、'.join('{' + k + '}' for k in values)}）") from None
    msg = EmailMessage()
    msg["From"] = formataddr((settings.sender_name, settings.sender)) if settings.sender else settings.sender_name
    msg["To"] = formataddr((hq.buyer, hq.email)) if hq.buyer else hq.email
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = message_id
    msg.set_content(body)
    msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=review.name)
    return Letter(hq.code, hq.name, review, hq.email, cc, msg, message_id, digest)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.cafile or None)
    try:
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
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


def send_reviews(paths: Sequence[str | Path], month: str, reports: str | Path, *,
                 settings: MailSettings | None = None, cc_managers: bool = False,
                 eml_dir: str | Path | None = None, dry_run: bool = False,
                 progress: Callable[[int, int, str], None] | None = None) -> MailResult:
    """The `gcs mail` command."""
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
        raise ConfigError(f"用户 {settings.user} 需要密码：请把密码放在环境变量 {PASSWORD_ENV} 里")
    result = MailResult(month, log=reports / log_name(month))
    sent, attempted = _read_log(result.log)
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
        if r["customer"] in sent and not eml_dir:
            result.already.append(hq.code)
            continue
        people = {"客户经理": hq.cm or "", "市场经理": hq.mm or "",
                  "客户经理邮箱": _email(dept, hq.cm), "市场经理邮箱": _email(dept, hq.mm)}
        cc = []
        if cc_managers:
            for role, who in (("客户经理", hq.cm), ("市场经理", hq.mm)):
                address = people[f"{role}邮箱"]
                if address:
                    cc.append(formataddr((who, address)))
                elif who:
                    result.notes.append(f"{hq.code} {hq.name}：{role}{who} 在人员名单里没有邮箱，未抄送")
        letters.append(_letter(hq, file, month, settings, cc, people))
    if dry_run:
        result.planned = letters
        return result
    if eml_dir:
        for k, letter in enumerate(letters):
            if progress:
                progress(k, len(letters), letter.name)
            target = Path(eml_dir) / letter.file.with_suffix(".eml").name
            letter.message["X-Unsent"] = "1"        # Outlook opens it as a draft to send
            with atomic_output(target) as tmp:
                tmp.write_bytes(bytes(letter.message))
            result.drafts.append(target)
        if progress:
            progress(len(letters), len(letters), "")
        return result
    if not letters:
        return result
    smtp = _connect(settings)
    try:
        for k, letter in enumerate(letters):
            if progress:
                progress(k, len(letters), letter.name)
            earlier = attempted.get(letter.customer)
            again = earlier is not None and earlier[1] == letter.digest
            if again:       # the same review: the same Message-ID, so a delivered copy is dropped
                del letter.message["Message-ID"]
                letter.message["Message-ID"] = letter.message_id = earlier[0]
            elif earlier is not None:
                result.notes.append(f"{letter.name}：上次中断时发的是旧版本的回顾，这次发新版本（收件人可能收到两封）")
            _log(result.log, letter, "sending")
            try:
                refused = smtp.send_message(letter.message)
            except smtplib.SMTPRecipientsRefused as e:
                refused = e.recipients
            except (smtplib.SMTPException, OSError) as e:
                raise SendError(f"发送给 {letter.name}（{letter.to}）时出错，已停止：{e}。已发出的 {len(result.sent)} 封记在"
                                f" {result.log.name}，再运行一次会从这里接着发") from None
            if letter.to in refused:        # the customer did not get it: not sent, retried next run
                _log(result.log, letter, "refused")
                result.refused.append((letter.customer, letter.name, letter.to, _reason(refused[letter.to])))
                continue
            if refused:
                result.notes.append(f"{letter.name}：服务器拒收了抄送地址 {'、'.join(refused)}")
            _log(result.log, letter, "sent")
            (result.resent if again else result.sent).append(letter)
        if progress:
            progress(len(letters), len(letters), "")
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return result


def _reason(reply) -> str:
    code, text = reply if isinstance(reply, tuple) else (None, reply)
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _email(dept, name: str | None) -> str:
    person = dept.staff.get(name or "")
    return (person.email or "") if person else ""
