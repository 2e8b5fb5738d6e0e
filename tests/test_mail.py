"""gcs mail against a real SMTP server (aiosmtpd) on localhost: what arrives, to whom, with
which attachment; exactly once per recipient through refusals, dropped connections,
Ctrl-C and a damaged send log; SSL, STARTTLS and login; .eml drafts; customers without
an address."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import io
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
import python_calamine as pc
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError
from gcs_excel.mail import SendError, load_settings, log_name, send_reviews
from gcs_excel.render import render_mail

from .conftest import HQ, MONTHLY_MONTH
from .faults import one_line_error, read_only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Collects what the server accepted; can be told to refuse the n-th message."""

    def __init__(self, fail_at: int | None = None):
        self.messages, self.fail_at, self.seen = [], fail_at, 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.fail_at is not None and self.seen == self.fail_at:
            return "451 4.3.0 temporary failure, try again later"
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


@pytest.fixture
def server():
    started = []

    def start(inbox: Inbox, **kwargs) -> int:
        port = free_port()
        c = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        c.start()
        started.append(c)
        return port
    yield start
    for c in started:
        c.stop()


@pytest.fixture
def folder(monthly_result, tmp_path):
    """A fresh copy of the shared reviews per test (the send log lives beside them)."""
    target = tmp_path / "reviews"
    shutil.copytree(monthly_result.folder, target)
    return target


def settings(port: int, **kw):
    return load_settings(smtp=f"127.0.0.1:{port}", sender="jtkh@cs-tobacco.cn", **kw)


def test_one_mail_per_customer_with_its_review(server, folder, monthly_files):
    inbox = Inbox()
    port = server(inbox)
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(port), cc_managers=True)
    assert len(result.sent) == 3 and len(inbox.messages) == 3
    by_to = {}
    for mail_from, rcpts, msg in inbox.messages:
        assert mail_from == "jtkh@cs-tobacco.cn"
        by_to[msg["To"].addresses[0].addr_spec] = (rcpts, msg)
    rcpts, msg = by_to["buyer1@example.cn"]
    assert set(rcpts) == {"buyer1@example.cn", "ly@cs-tobacco.cn", "wjg@cs-tobacco.cn"}
    assert msg["Subject"] == "甲连锁有限公司 2026年1月销售回顾"
    assert "李晓梅您好" in msg.get_body(("plain",)).get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "销售回顾_甲连锁有限公司_2026-01.xlsx"
    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(attachment.get_content()))
    assert wb.sheet_names == ["市场概况", "客户销售", "终端情况", "分析与建议"]
    title = wb.get_sheet_by_name("客户销售").to_python()[0][0]
    assert title.startswith("甲连锁有限公司")                       # that customer's review, no other
    for _to, (_rcpts, msg) in by_to.items():
        name = msg["Subject"].split(" ")[0]
        att = next(msg.iter_attachments())
        assert name in att.get_filename()


def test_a_rerun_sends_nothing_already_sent(server, folder, monthly_files):
    inbox = Inbox()
    port = server(inbox)
    send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(port))
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(port))
    assert again.sent == [] and sorted(again.already) == ["JT0001", "JT0002", "JT0003"]
    assert len(inbox.messages) == 3


def log_entries(folder) -> list[dict]:
    return [json.loads(line) for line in (folder / log_name(MONTHLY_MONTH)).read_text("utf-8").splitlines()]


def test_a_message_the_server_refuses_is_sent_again_next_run_and_only_it(server, folder, monthly_files):
    flaky = Inbox(fail_at=2)             # 451 to the second message's DATA: a definite "not accepted"
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(flaky)))
    assert [x.customer for x in result.sent] == ["JT0001", "JT0003"] and result.exit_code == 1
    assert [f[0] for f in result.failed] == ["JT0002"] and "451" in result.failed[0][2]
    log = log_entries(folder)
    assert [(e["customer"], e["status"]) for e in log] == [
        ("JT0001", "sending"), ("JT0001", "sent"), ("JT0002", "sending"), ("JT0002", "failed"),
        ("JT0003", "sending"), ("JT0003", "sent")]
    inbox = Inbox()
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(inbox)))
    assert [x.customer for x in again.sent] == ["JT0002"] and sorted(again.already) == ["JT0001", "JT0003"]
    assert again.exit_code == 0
    assert inbox.messages[0][2]["Message-ID"] == log[2]["message_id"]
    delivered = [m["To"].addresses[0].addr_spec for _, _, m in flaky.messages + inbox.messages]
    assert sorted(delivered) == ["buyer1@example.cn", "buyer2@example.cn", "buyer3@example.cn"]


def received(*inboxes) -> list[tuple[str, str]]:
    """(recipient, subject) of every copy delivered, envelope by envelope."""
    return sorted((rcpt, msg["Subject"]) for inbox in inboxes for _, rcpts, msg in inbox.messages for rcpt in rcpts)


class Refusing(Inbox):
    """Refuses some recipients at RCPT with a given reply (451: try later; 550: no such user)."""

    def __init__(self, refuse: dict[str, str], **kw):
        super().__init__(**kw)
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_451_for_the_customer_does_not_send_the_managers_a_second_copy(server, folder, monthly_files):
    first = Refusing({"buyer1@example.cn": "451 4.7.1 greylisted, try again later"})
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(first)), cc_managers=True)
    assert [(r[0], r[2]) for r in result.refused] == [("JT0001", "buyer1@example.cn")] and result.exit_code == 1
    assert ("ly@cs-tobacco.cn", "甲连锁有限公司 2026年1月销售回顾") in received(first)
    second = Inbox()
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(second)), cc_managers=True)
    assert [(x.customer, x.envelope) for x in again.sent] == [("JT0001", ["buyer1@example.cn"])]
    assert received(second) == [("buyer1@example.cn", "甲连锁有限公司 2026年1月销售回顾")]
    assert any("这次只发给 buyer1@example.cn" in n for n in again.notes)
    both = received(first, second)
    assert len(both) == len(set(both))               # nobody got the same review twice
    assert {r for r, _ in both} == {"buyer1@example.cn", "buyer2@example.cn", "buyer3@example.cn",
                                   "ly@cs-tobacco.cn", "cj@cs-tobacco.cn", "wjg@cs-tobacco.cn"}
    third = Inbox()
    last = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(third)), cc_managers=True)
    assert third.messages == [] and sorted(last.already) == ["JT0001", "JT0002", "JT0003"]


class Dropping(Inbox):
    """Takes the n-th message and drops the connection before answering 250 (the reply is
    lost: the message arrived, the sender cannot know)."""

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        if self.seen == self.fail_at:
            server.transport.abort()
        return "250 OK"


def test_a_connection_dropped_before_250_is_never_resent_silently(server, folder, monthly_files):
    dropping = Dropping(fail_at=2)
    with pytest.raises(SendError, match="状态不明"):
        send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(dropping)))
    assert [(e["customer"], e["status"]) for e in log_entries(folder)][-1] == ("JT0002", "sending")
    attempt_id = log_entries(folder)[-1]["message_id"]
    inbox = Inbox()
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(inbox)))
    assert [x.customer for x in again.sent] == ["JT0003"]           # the rest, not the unconfirmed one
    assert [(x.customer, addresses) for x, addresses in again.unconfirmed] == [("JT0002", ["buyer2@example.cn"])]
    assert again.exit_code == 1 and again.already == ["JT0001"]
    assert "状态不明" in render_mail(again) and "--resend-unconfirmed" in render_mail(again)
    resend = Inbox()
    last = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(resend)),
                        resend_unconfirmed=True)
    assert [x.customer for x in last.resent] == ["JT0002"] and last.unconfirmed == [] and last.exit_code == 0
    assert resend.messages[0][2]["Message-ID"] == attempt_id      # the receiver can drop the duplicate
    assert send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(Inbox()))).exit_code == 0


def test_a_connection_lost_before_the_content_went_out_is_sent_next_run(server, folder, monthly_files):
    class Cutting(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "buyer2@example.cn":
                server.transport.abort()        # before DATA: the message cannot have arrived
            envelope.rcpt_tos.append(address)
            return "250 OK"
    with pytest.raises(SendError, match="这一封没有发出"):
        send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(Cutting())))
    assert [(e["customer"], e["status"]) for e in log_entries(folder)][-1] == ("JT0002", "failed")
    inbox = Inbox()
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(inbox)))
    assert [x.customer for x in again.sent] == ["JT0002", "JT0003"] and again.unconfirmed == []


class Interrupting(Inbox):
    """Presses Ctrl-C on a process while its n-th message is with the server, then accepts it."""

    def __init__(self, pid: int, at: int):
        super().__init__()
        self.pid, self.at = pid, at

    async def handle_DATA(self, server, session, envelope):
        if self.seen + 1 == self.at:
            os.kill(self.pid, signal.SIGINT)
            await asyncio.sleep(0.3)           # the signal arrives while the sender waits for 250
        return await super().handle_DATA(server, session, envelope)


def test_ctrl_c_while_sending_finishes_that_message_and_stops(server, folder, monthly_files):
    inbox = Interrupting(os.getpid(), at=2)
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(inbox)))
    assert result.interrupted and [x.customer for x in result.sent] == ["JT0001", "JT0002"]
    assert [(e["customer"], e["status"]) for e in log_entries(folder)][-1] == ("JT0002", "sent")
    rest = Inbox()
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(rest)))
    assert [x.customer for x in again.sent] == ["JT0003"] and again.unconfirmed == []
    assert sorted(m["To"].addresses[0].addr_spec for _, _, m in inbox.messages + rest.messages) == [
        "buyer1@example.cn", "buyer2@example.cn", "buyer3@example.cn"]


def test_ctrl_c_on_the_real_command(server, folder, monthly_files):
    """The same, as a user sees it: a gcs process, a real SIGINT, exit 130 and one line."""
    inbox = Interrupting(0, at=2)
    port = server(inbox)
    proc = subprocess.Popen([sys.executable, "-m", "gcs_excel", "mail", "--month", MONTHLY_MONTH, "--reports",
                             str(folder), "--smtp", f"127.0.0.1:{port}", "--from", "jtkh@cs-tobacco.cn",
                             *map(str, monthly_files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    inbox.pid = proc.pid
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "已中断" in out and "Traceback" not in out + err
    assert len(inbox.messages) == 2 and [e["status"] for e in log_entries(folder)].count("sent") == 2


def test_a_refused_recipient_makes_the_command_exit_1(server, folder, monthly_files):
    port = server(Refusing({"buyer2@example.cn": "550 5.1.1 no such user"}))
    r = CliRunner().invoke(cli, ["mail", "--month", MONTHLY_MONTH, "--reports", str(folder),
                                 "--smtp", f"127.0.0.1:{port}", "--from", "jtkh@cs-tobacco.cn",
                                 *map(str, monthly_files)])
    assert r.exit_code == 1, r.output
    assert "拒收" in r.output and "buyer2@example.cn" in r.output and "550" in r.output


def test_a_log_cut_mid_line_is_reported_and_the_log_stays_usable(server, folder, monthly_files):
    first = Refusing({"buyer3@example.cn": "550 5.1.1 no such user"})
    send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(first)))
    log = folder / log_name(MONTHLY_MONTH)
    whole = json.dumps({"status": "sent", "customer": "JT0003", "name": "丙便利有限公司"}, ensure_ascii=False).encode()
    with open(log, "ab") as fh:                       # the disk filled up inside a character
        fh.write(whole[:whole.index("丙".encode()) + 1])
    inbox = Inbox()
    again = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(inbox)))
    assert any("第 7 行不完整" in n for n in again.notes)
    assert [x.customer for x in again.sent] == ["JT0003"] and len(inbox.messages) == 1
    lines = log.read_bytes().split(b"\n")
    assert lines[6] == whole[:whole.index("丙".encode()) + 1]        # append-only: the damaged line stays
    assert [json.loads(x)["status"] for x in lines[7:] if x] == ["sending", "sent"]   # each record on its own line


def test_a_read_only_reports_folder_stops_before_anything_is_sent(server, folder, monthly_files):
    inbox = Inbox()
    port = server(inbox)
    with read_only(folder):
        r = CliRunner().invoke(cli, ["mail", "--month", MONTHLY_MONTH, "--reports", str(folder),
                                     "--smtp", f"127.0.0.1:{port}", "--from", "jtkh@cs-tobacco.cn",
                                     *map(str, monthly_files)])
    assert r.exit_code == 2, r.output
    assert one_line_error(r.output) and "没有发送任何邮件" in r.output and inbox.messages == []


def test_customers_without_an_address_are_listed(server, folder, write):
    hq = [dict(HQ, code=f"JT000{k}", name=n, cm="陈静", buyer_email=e)
          for k, n, e in ((1, "甲连锁有限公司", "buyer1@example.cn"), (2, "乙超市有限公司", None),
                          (3, "丙便利有限公司", "buyer3@example.cn"))]
    hq_file = write("hq", hq)
    inbox = Inbox()
    result = send_reviews([hq_file], MONTHLY_MONTH, folder, settings=settings(server(inbox)))
    assert result.no_address == [("JT0002", "乙超市有限公司")] and len(inbox.messages) == 2


def test_eml_drafts_and_dry_run_send_nothing(folder, monthly_files, tmp_path):
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, eml_dir=tmp_path / "eml")
    assert sorted(p.name for p in result.drafts) == sorted(p.with_suffix(".eml").name for p in folder.glob("销售回顾_*.xlsx"))
    msg = email.message_from_bytes(result.drafts[0].read_bytes(), policy=policy.default)
    assert next(msg.iter_attachments()).get_filename().endswith(".xlsx")
    dry = send_reviews(monthly_files, MONTHLY_MONTH, folder, dry_run=True)
    assert len(dry.planned) == 3 and not (folder / log_name(MONTHLY_MONTH)).exists()


# --- encryption and login --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    d = tmp_path_factory.mktemp("tls")
    (d / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return d / "cert.pem", d / "key.pem"


def _context(certificate) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*certificate)
    return ctx


def _config(tmp_path, cafile) -> Path:
    f = tmp_path / "mail.toml"
    f.write_text(f'[smtp]\ncafile = "{cafile}"\n', "utf-8")
    return f


def test_ssl(server, folder, monthly_files, certificate, tmp_path):
    inbox = Inbox()
    port = server(inbox, ssl_context=_context(certificate))
    s = load_settings(_config(tmp_path, certificate[0]), smtp=f"127.0.0.1:{port}", security="ssl",
                      sender="jtkh@cs-tobacco.cn")
    assert len(send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=s).sent) == 3 and len(inbox.messages) == 3


def test_starttls_with_login_from_the_environment(server, folder, monthly_files, certificate, tmp_path, monkeypatch):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"jtkh" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False,       # an explicit 535, or aiosmtpd leaves the client waiting
                          message=None if ok else "535 5.7.8 Authentication credentials invalid")
    inbox = Inbox()
    port = server(inbox, tls_context=_context(certificate), require_starttls=True, authenticator=authenticator,
                  auth_require_tls=True)
    cfg = _config(tmp_path, certificate[0])
    monkeypatch.setenv("GCS_SMTP_PASSWORD", "wrong")
    s = load_settings(cfg, smtp=f"127.0.0.1:{port}", security="starttls", user="jtkh", sender="jtkh@cs-tobacco.cn")
    with pytest.raises(SendError, match="登录"):
        send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=s)
    monkeypatch.setenv("GCS_SMTP_PASSWORD", "s3cret")
    s = load_settings(cfg, smtp=f"127.0.0.1:{port}", security="starttls", user="jtkh", sender="jtkh@cs-tobacco.cn")
    assert len(send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=s).sent) == 3


def test_settings_and_their_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("GCS_SMTP_PASSWORD", raising=False)
    f = tmp_path / "mail.toml"
    f.write_text('[smtp]\nhost = "smtp.example.cn"\nport = 465\nsecurity = "ssl"\n'
                 '[message]\nsubject = "{月份文字} 销售回顾"\n', "utf-8")
    s = load_settings(f)
    assert (s.host, s.port, s.security, s.subject, s.password) == ("smtp.example.cn", 465, "ssl", "{月份文字} 销售回顾", "")
    assert load_settings(f, smtp="mail.local:2525").port == 2525
    f.write_text('[smtp]\npassword = "x"\n', "utf-8")
    with pytest.raises(ConfigError, match="password"):         # never from a file
        load_settings(f)
    with pytest.raises(ConfigError, match="主机:端口"):
        load_settings(smtp="nohost")


def test_cli_needs_a_password_for_a_user(folder, monthly_files, monkeypatch):
    monkeypatch.delenv("GCS_SMTP_PASSWORD", raising=False)
    r = CliRunner().invoke(cli, ["mail", "--month", MONTHLY_MONTH, "--reports", str(folder), "--smtp", "127.0.0.1:1",
                                 "--user", "jtkh", "--from", "a@b.cn", *map(str, monthly_files)])
    assert r.exit_code == 2 and "GCS_SMTP_PASSWORD" in r.output


def test_cli_sends_and_lists(server, folder, monthly_files):
    inbox = Inbox()
    port = server(inbox)
    r = CliRunner().invoke(cli, ["mail", "--month", MONTHLY_MONTH, "--reports", str(folder),
                                 "--smtp", f"127.0.0.1:{port}", "--from", "jtkh@cs-tobacco.cn",
                                 *map(str, monthly_files)])
    assert r.exit_code == 0, r.output
    assert "已发送 3 封" in r.output and "✓ JT0001 甲连锁有限公司 → buyer1@example.cn" in r.output
    r = CliRunner().invoke(cli, ["mail", "--month", MONTHLY_MONTH, "--reports", str(folder),
                                 "--smtp", f"127.0.0.1:{port}", "--from", "jtkh@cs-tobacco.cn",
                                 *map(str, monthly_files)])
    assert "已发送 0 封" in r.output and "跳过 3 个客户" in r.output


def test_cli_without_reviews(tmp_path, monthly_files):
    r = CliRunner().invoke(cli, ["mail", "--month", MONTHLY_MONTH, "--reports", str(tmp_path), "--dry-run",
                                 *map(str, monthly_files)])
    assert r.exit_code == 2 and "gcs monthly" in r.output


def test_a_changed_review_is_not_hidden_behind_the_old_message_id(server, folder, monthly_files):
    with pytest.raises(SendError):
        send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(Dropping(fail_at=1))))
    first_id = log_entries(folder)[0]["message_id"]
    review = next(folder.glob("销售回顾_甲*.xlsx"))
    review.write_bytes(review.read_bytes() + b"\0")         # regenerated since the attempt
    inbox = Inbox()
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=settings(server(inbox)),
                          resend_unconfirmed=True)
    assert [x.customer for x in result.resent] == ["JT0001"] and any("旧版本" in n for n in result.notes)
    assert all(m["Message-ID"] != first_id for _, _, m in inbox.messages)


def test_a_refused_customer_address_is_not_logged_as_sent(server, folder, monthly_files):
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder,
                          settings=settings(server(Refusing({"buyer2@example.cn": "550 5.1.1 no such user"}))))
    assert [r[0] for r in result.refused] == ["JT0002"] and len(result.sent) == 2
    assert ("JT0002", "sent") not in {(e["customer"], e["status"]) for e in log_entries(folder)}


def test_sender_must_be_an_address(folder, monthly_files):
    with pytest.raises(ConfigError, match="发件人"):
        send_reviews(monthly_files, MONTHLY_MONTH, folder, settings=load_settings(smtp="127.0.0.1:1", sender="jtkh"))


def test_drafts_open_as_drafts(folder, monthly_files, tmp_path):
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, eml_dir=tmp_path / "eml")
    msg = email.message_from_bytes(result.drafts[0].read_bytes(), policy=policy.default)
    assert msg["X-Unsent"] == "1"         # Outlook opens it ready to send


def test_no_emailed_attachment_holds_internal_findings(folder, monthly_files, monthly_result, tmp_path):
    """Every attachment that would be mailed, opened and read like its reader: cells, chart
    titles, page headers. None holds the department's internal findings (stores not visited,
    who should visit, thin data) or the department report."""
    import re
    import zipfile

    internal = [n.detail for n in monthly_result.internal]
    assert any("没有拜访记录" in d for d in internal)        # there is something to keep in
    result = send_reviews(monthly_files, MONTHLY_MONTH, folder, eml_dir=tmp_path / "eml")
    assert len(result.drafts) == len(monthly_result.reviews)
    for draft in result.drafts:
        msg = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
        for att in msg.iter_attachments():
            assert att.get_filename().startswith("销售回顾_"), att.get_filename()
            with zipfile.ZipFile(io.BytesIO(att.get_content())) as z:
                xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
            seen = " ".join(re.findall(r"<(?:t|a:t|c:v|oddHeader|oddFooter)[^>]*>([^<]*)</", xml))
            seen += " ".join(re.findall(r'<sheet name="([^"]+)"', xml))
            for marker in ("拜访", "客户经理", "内部", "采集不足", "没有销售数据"):
                assert marker not in seen, (att.get_filename(), marker)
            for detail in internal:
                assert detail not in seen, (att.get_filename(), detail)
