"""Throughput of the lesson reader against a bare Flask view that returns the same bytes.

Prepares a temporary SQLite database (`flask db upgrade`, `flask courses sync` of the real
courses/ folder, a facilitator account), starts `gunicorn -w 2` on 127.0.0.1 for the app
and for bench/bare_app.py, logs in once (urllib, CSRF token from the login form), checks
that the lesson answers 200 with the lesson, then runs wrk against each server in turn.
Target: lesson req/s >= 0.6 x bare req/s. Loopback only; every server it starts is
stopped by its PID. A miss is reported, not failed: the exit code is 0 unless the
benchmark could not run (no wrk, a server that does not start, a lesson that redirects).

    .venv/bin/python -m bench.lesson_bench                 # wrk -t2 -c16 -d10s, once
    .venv/bin/python -m bench.lesson_bench --duration 5 --rounds 3
    .venv/bin/python -m bench.lesson_bench --profile 300   # cProfile on the test client
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.6
HOST = "127.0.0.1"  # the only address this benchmark ever loads
EMAIL = "bench-facilitator@example.org"
PASSWORD = secrets.token_urlsafe(16)
DEFAULT_LESSON = "before-you-go/culture-starts-with-you/what-culture-is"


class BenchError(Exception):
    """The benchmark cannot run (as opposed to a target it misses)."""


# --- Preparing the database ---------------------------------------------------------------


def server_env(temp_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TRUST_PROXY", "MAIL_SERVER")}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=f"sqlite:///{temp_dir / 'lesson-bench.db'}",
        COURSES_DIR=str(ROOT / "courses"),
        BASE_URL=f"http://{HOST}:{port}",
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_BACKEND="log",
        FLASK_APP="wsgi",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def venv_bin(name: str) -> str:
    path = ROOT / ".venv" / "bin" / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"{name} not found in .venv/bin or on PATH")
    return found


def flask_command(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own venv's flask, fixed arguments
        [venv_bin("flask"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def prepare_database(env: dict[str, str], lesson_id: str) -> str:
    """Migrate, sync courses/, add the facilitator; returns the lesson reader's path."""
    flask_command(env, "db", "upgrade")
    flask_command(env, "courses", "sync")
    app = make_app(env)
    from sqlalchemy import select

    from learning.accounts.services import create_user
    from learning.courses.models import Course, Lesson
    from learning.db import db

    with app.app_context():
        create_user(EMAIL, "Bench Facilitator", PASSWORD, global_role="facilitator")
        db.session.commit()
        lesson = db.session.scalar(select(Lesson).where(Lesson.stable_id == lesson_id))
        if lesson is None:
            print(f"Lesson {lesson_id!r} not found; using the first synced lesson instead.")
            lesson = db.session.scalar(select(Lesson).order_by(Lesson.course_id, Lesson.id))
        if lesson is None:
            raise BenchError("courses sync stored no lesson")
        slug = db.session.get(Course, lesson.course_id).slug
        path = f"/courses/{slug}/lessons/{lesson.id}"
        db.session.remove()
        db.engine.dispose()
    return path


def make_app(env: dict[str, str]):
    """The app in this process, configured like the servers (same database and key)."""
    from config import Config
    from learning import create_app

    class BenchConfig(Config):
        SECRET_KEY = env["SECRET_KEY"]
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        COURSES_DIR = env["COURSES_DIR"]
        BASE_URL = env["BASE_URL"]
        SESSION_COOKIE_SECURE = False
        MAIL_BACKEND = "log"

    return create_app(BenchConfig)


# --- Servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        """SIGTERM to the gunicorn master (it stops its workers), SIGKILL if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(
    name: str, app_spec: str, port: int, env: dict[str, str], log: Path, servers: list[Server]
) -> Server:
    """gunicorn -w 2 -b 127.0.0.1:PORT APP, registered in `servers` before it is waited on."""
    command = [venv_bin("gunicorn"), "-w", "2", "-b", f"{HOST}:{port}", app_spec]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, port, process, log)
    servers.append(server)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{name} server exited:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"{name} server did not listen on {HOST}:{port} within 20 s")


# --- Logging in and checking the page -------------------------------------------------------


class _CsrfField(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base: str) -> str:
    """Log in through the form; returns the Cookie header value of the logged-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/account/login", timeout=10) as response:
        parser = _CsrfField()
        parser.feed(response.read().decode("utf-8"))
    if not parser.token:
        raise BenchError("the login form has no csrf_token field")
    form = urllib.parse.urlencode(
        {"csrf_token": parser.token, "email": EMAIL, "password": PASSWORD, "next": ""}
    ).encode()
    with opener.open(f"{base}/account/login", data=form, timeout=30) as response:
        landed = urllib.parse.urlsplit(response.geturl()).path
    if landed.startswith("/account/login"):
        raise BenchError("logging in failed: the login form came back")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise BenchError("logging in set no session cookie")
    return cookie


def fetch_lesson(url: str, cookie: str) -> bytes:
    """The lesson page, which must be a 200 (a redirect to the login page fails loudly)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - http://127.0.0.1
    try:
        with opener.open(request, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        where = exc.headers.get("Location", "")
        raise BenchError(
            f"GET {url} answered {exc.code} {where}: the logged-in lesson is not reachable"
        ) from exc
    if status != 200 or b'<article class="lesson"' not in body:
        raise BenchError(f"GET {url} answered {status} without the lesson")
    return body


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bytes_per_request: float
    errors: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", output)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not read wrk's output:\n{output}")
    requests = int(total.group(1))
    read = float(total.group(2)) * _SIZES[total.group(3)]
    errors = [
        line.strip() for line in output.splitlines() if "Socket errors" in line or "Non-2xx" in line
    ]
    return Load(
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=requests,
        bytes_per_request=read / max(requests, 1),
        errors="; ".join(errors),
    )


def run_wrk(url: str, seconds: int, threads: int, connections: int, cookie: str | None) -> Load:
    command = [
        shutil.which("wrk") or "/usr/bin/wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(  # noqa: S603 - wrk against 127.0.0.1 only
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    return parse_wrk(result.stdout)


def measure(name: str, url: str, args, cookie: str | None, page_size: int) -> Load:
    if args.warmup:
        run_wrk(url, args.warmup, args.threads, args.connections, cookie)
    load = run_wrk(url, args.duration, args.threads, args.connections, cookie)
    # wrk counts a 302 as a success: a page much smaller than the lesson means redirects.
    if load.bytes_per_request < 0.8 * page_size:
        raise BenchError(
            f"{name}: {load.bytes_per_request:.0f} bytes per response for a {page_size}-byte "
            "page: the responses are not the lesson (a redirect to the login page?)"
        )
    return load


# --- Profiling ------------------------------------------------------------------------------


def profile(env: dict[str, str], path: str, requests: int, top: int) -> None:
    """cProfile of `requests` lesson views through the test client (after 20 unprofiled)."""
    import cProfile
    import pstats

    app = make_app(env)
    client = app.test_client()
    form = client.get("/account/login")
    parser = _CsrfField()
    parser.feed(form.get_data(as_text=True))
    client.post(
        "/account/login",
        data={"csrf_token": parser.token, "email": EMAIL, "password": PASSWORD, "next": ""},
    )
    for _ in range(20):
        if client.get(path).status_code != 200:
            raise BenchError(f"test client: GET {path} is not 200 after logging in")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(
        f"\nProfile: {requests} requests of {path} in {elapsed:.2f} s under cProfile "
        f"({elapsed / requests * 1000:.2f} ms each, one process, no network)"
    )
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


# --- Main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c (16)")
    parser.add_argument("--rounds", type=int, default=1, help="lesson/bare pairs (1)")
    parser.add_argument("--lesson", default=DEFAULT_LESSON, help="stable id of the lesson")
    parser.add_argument(
        "--profile", type=int, metavar="N", help="instead of wrk: cProfile N test-client requests"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 300 or not 0 <= args.warmup <= 60 or not 1 <= args.rounds <= 10:
        parser.error("--duration 1-300, --warmup 0-60 and --rounds 1-10")
    if args.profile is None and not (shutil.which("wrk") or Path("/usr/bin/wrk").exists()):
        print("wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2

    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="lesson-bench-") as temp:
        try:
            temp_dir = Path(temp)
            env = server_env(temp_dir, free_port())
            path = prepare_database(env, args.lesson)
            if args.profile is not None:
                profile(env, path, max(1, min(args.profile, 5000)), 30)
                return 0
            app = start_server(
                "lesson", "wsgi:app", int(env["BASE_URL"].rsplit(":", 1)[1]), env,
                temp_dir / "lesson-server.log", servers,
            )  # fmt: skip
            cookie = log_in(app.base)
            page = fetch_lesson(app.base + path, cookie)
            title = re.search(rb"<h1>(.*?)</h1>", page, re.S)
            print(
                f"Lesson {path}: 200, {len(page)} bytes, "
                f"'{html.unescape(title.group(1).decode()) if title else '?'}'"
            )
            page_file = temp_dir / "lesson.html"
            page_file.write_bytes(page)
            bare_env = {**env, "BENCH_BARE_HTML": str(page_file)}
            bare = start_server(
                "bare", "bench.bare_app:app", free_port(), bare_env,
                temp_dir / "bare-server.log", servers,
            )  # fmt: skip
            if fetch_bare(bare.base + path) != page:
                raise BenchError("the bare app does not return the captured page")

            print(
                f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
                f"(after {args.warmup} s of warm-up), gunicorn -w 2, {HOST}"
            )
            ratios = []
            for number in range(1, args.rounds + 1):
                lesson = measure("lesson", app.base + path, args, cookie, len(page))
                fetch_lesson(app.base + path, cookie)  # still logged in after the run
                baseline = measure("bare", bare.base + path, args, None, len(page))
                ratio = lesson.rps / baseline.rps
                ratios.append(ratio)
                label = f"round {number}" if args.rounds > 1 else "result"
                print(f"\n{label}")
                for name, load in (("lesson", lesson), ("bare", baseline)):
                    print(
                        f"  {name:<7}{load.rps:>9.1f} req/s   p50 {load.p50_ms:7.2f} ms   "
                        f"p99 {load.p99_ms:7.2f} ms   ({load.requests} requests"
                        + (f"; {load.errors}" if load.errors else "")
                        + ")"
                    )
                print(f"  ratio lesson/bare {ratio:.2f}")
            ratio = statistics.median(ratios)
            verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
            which = f"median of {len(ratios)} rounds" if len(ratios) > 1 else "ratio"
            print(f"\nlesson/bare {which}: {ratio:.2f}, target >= {TARGET_RATIO}: {verdict}")
            return 0
        except BenchError as exc:
            print(f"lesson_bench: {exc}", file=sys.stderr)
            for server in servers:
                tail = server.log.read_text(errors="replace").splitlines()[-20:]
                print(f"--- {server.name} server log (last lines) ---", *tail, sep="\n")
            return 1
        finally:
            for server in servers:  # before the temporary folder with their database goes
                server.stop()


def fetch_bare(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http://127.0.0.1
        return response.read()


if __name__ == "__main__":
    sys.exit(main())
