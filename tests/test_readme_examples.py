"""Every command example of README.md and of every `--help` runs on a demo corpus.

One demo corpus is built per module (`doj-speeches demo --speeches 40`, the README's
first command); each example then runs in its folder, as `python -m scraper.cli`, and
must exit 0 with some output. Examples are collected, not listed: the `doj-speeches`
commands of the README's sh blocks and the "Example" sections of each command's help
(and the group's). How an example is adapted to run offline: ADAPT, `adapt` and
`Session.env` (crawls of justice.gov go to a replica through JUSTICE_BASE_URL).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.replica import Replica
from tests.crawl_support import rows, start_backfill

README = Path(__file__).resolve().parent.parent / "README.md"
SPEECHES = "40"

# Placeholders and paths that exist only on a real installation, and how each is adapted.
ADAPT = [
    ("/srv/doj/corpus.db", "corpus.db"),  # the cron example's path: the demo corpus instead
    ("--speeches 500", f"--speeches {SPEECHES}"),  # a smaller replica: the suite's time budget
    ("https://www.justice.gov/opa/speech/...", "https://www.justice.gov/opa/speech/saved"),
]


def readme_examples() -> list[str]:
    """The doj-speeches command lines of README.md's sh blocks (setup steps such as venv,
    pip and pytest, and the datasette line, are not examples of this tool)."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        block = re.sub(r"\\\n\s*", " ", block)  # a line continued with a backslash
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()  # a trailing comment
            for part in line.split("&&"):
                if "bin/doj-speeches " in part or part.strip().endswith("bin/doj-speeches"):
                    found.append(part.strip().split("bin/", 1)[1])
    return found


def help_examples() -> list[str]:
    """Command lines in the "Example(s)" section of every command's --help, and the
    group's own first-run lines."""
    found = re.findall(r":\s+(doj-speeches .+)", CliRunner().invoke(cli, ["--help"]).output)
    for name in sorted(cli.commands):
        text = CliRunner().invoke(cli, [name, "--help"]).output
        section = re.search(r"Examples?\b[^\n]*:\n((?:[ ]{4,}\S.*\n)+)", text)
        assert section, f"{name} --help has no Example section"
        lines = re.sub(r"\\\n\s*", " ", section.group(1))  # continued lines
        found += [line.strip() for line in lines.splitlines() if "doj-speeches" in line]
    return found


def all_examples() -> list[str]:
    seen, ordered = set(), []
    for line in readme_examples() + help_examples():
        if line not in seen:  # the README and --help share some: each runs once
            seen.add(line)
            ordered.append(line)
    return ordered


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """The demo corpus's folder, a replica standing in for justice.gov, and the
    background `replica` command of the examples that start one."""

    def __init__(self, folder: Path, replica: Replica):
        self.folder, self.replica = folder, replica
        self.port = free_port()  # for the examples' `--port 8000`
        self.served = None  # the background `doj-speeches replica` process

    def env(self) -> dict:
        """The examples' crawls of justice.gov go to the replica instead, as they would to
        a mirror: through the environment variables every crawl command reads (an example
        that names --base-url or --delay keeps its own)."""
        env = {**os.environ, "JUSTICE_BASE_URL": self.replica.base_url, "JUSTICE_DELAY": "0"}
        if getattr(self, "wayback", None):  # `backfill --source wayback`: a local archive
            env.update(JUSTICE_WAYBACK_URL=self.wayback.base_url, JUSTICE_WAYBACK_DELAY="0")
        return env

    def changed_slug(self) -> str:
        [row] = rows(self.folder / "corpus.db",
                     "SELECT id FROM speeches WHERE version > 1 AND id LIKE '/opa/speech/%'"
                     " ORDER BY id LIMIT 1")
        return row["id"].rsplit("/", 1)[1]

    def last_crawl(self) -> str:
        return str(rows(self.folder / "corpus.db", "SELECT max(id) AS n FROM crawls")[0]["n"])

    def interrupt_a_backfill(self):
        """`backfill --resume` needs a backfill that stopped: start one slowly and kill -9
        it once it has fetched a few pages (the README's own scenario)."""
        db = self.folder / "corpus.db"
        proc = start_backfill(db, self.replica.base_url, delay="0.05")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = rows(db, "SELECT count(*) AS n FROM frontier f JOIN crawls c ON"
                            " c.id = f.crawl_id WHERE c.finished IS NULL AND f.state = 'done'")
            if done and done[0]["n"] >= 2:
                break
            time.sleep(0.1)
        proc.kill()
        proc.wait(timeout=30)


def adapt(line: str, session: Session) -> list[str]:
    for old, new in ADAPT:
        line = line.replace(old, new)
    # The port of the replica examples: a free one (8000 may be taken).
    line = line.replace("127.0.0.1:8000", f"127.0.0.1:{session.port}")
    line = line.replace("--port 8000", f"--port {session.port}")
    line = line.replace("<slug>", session.changed_slug())  # the demo prints such an id
    line = line.replace("--crawl 12", f"--crawl {session.last_crawl()}")
    return shlex.split(line)[1:]  # without "doj-speeches"


def run_example(line: str, session: Session):
    """Run one example line; returns (exit code, output). Pipes, redirections and
    background jobs are done here, as the shell would, without curl or jq."""
    stdin, check_key = None, None
    if line.startswith("curl -s URL |"):  # the page a shell would fetch: from the replica
        speech = session.replica.speeches("live")[-1]["path"]
        url = session.replica.base_url + speech
        stdin = urllib.request.urlopen(url, timeout=30).read()
        line = line.split("|", 1)[1].strip().replace("URL", url)
    if "| jq ." in line:  # jq .key: the key must be in the JSON
        line, check_key = [p.strip() for p in line.split("| jq .")]
    target = None
    if " > " in line:
        line, target = [p.strip() for p in line.split(" > ")]
    if line.endswith("&") or (line.startswith("doj-speeches replica") and session.served is None):
        return start_replica(adapt(line.rstrip("& "), session), session)
    args = adapt(line, session)
    if args[:2] == ["backfill", "--resume"]:
        session.interrupt_a_backfill()
    proc = subprocess.run([sys.executable, "-m", "scraper.cli", *args], cwd=session.folder,
                          input=stdin, capture_output=True, timeout=120, env=session.env())
    out = proc.stdout.decode("utf-8", "replace")
    if check_key:
        assert check_key in json.loads(out), (line, check_key)
    if args[:2] == ["backfill", "--resume"]:
        assert "resuming backfill #" in out, out
    if target:
        (session.folder / target).write_text(out, encoding="utf-8")
    if proc.returncode == 0:
        assert_does_what_it_says(args, out, session.folder)
    return proc.returncode, out + proc.stderr.decode("utf-8", "replace")


def assert_does_what_it_says(args: list[str], out: str, folder: Path) -> None:
    """More than "exit 0 and some output": what the example's own words promise."""
    if "--out" in args:  # a file or a folder, written and not empty
        written = folder / args[args.index("--out") + 1]
        assert written.exists(), args
        assert (any(written.iterdir()) if written.is_dir() else written.stat().st_size > 0), args
    if "--format" in args and args[args.index("--format") + 1] == "json" and "--out" not in args:
        json.loads(out)  # --format json for scripts: one JSON document
    if args[0] in ("crawl", "backfill") and "--resume" not in args:
        assert re.search(r"(crawl|backfill) #\d+ healthy", out), (args, out[-300:])
    if args[0] == "search" and "--format" not in args:
        assert re.search(r"^(\d+ of )?\d+ match(es)?$", out, re.M), (args, out[-300:])
        assert "«" in out, (args, out[-300:])  # the words found, marked in a snippet
    if args[0] == "history":
        assert "version" in out.lower(), (args, out[-300:])


def start_replica(args: list[str], session: Session):
    """`doj-speeches replica ... [&]` serves until Ctrl-C: start it in the background,
    read its first line (the base URL), and stop it with Ctrl-C at the end."""
    if session.served is not None:
        return 0, "already serving"
    session.served = subprocess.Popen([sys.executable, "-m", "scraper.cli", *args],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      text=True)
    first = session.served.stdout.readline().strip()
    assert first == f"http://127.0.0.1:{session.port}", first
    return 0, first


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    # The README's first command, `doj-speeches demo`, with a smaller replica.
    proc = subprocess.run(
        [sys.executable, "-m", "scraper.cli", "demo", "--speeches", SPEECHES, "--no-progress"],
        cwd=folder, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "try:" in proc.stdout
    saved = folder / "saved"  # pages saved from "the site", for extract and import-pages
    saved.mkdir()
    with Replica(int(SPEECHES), seed=1) as replica:
        urls = ["path,url"]
        for n, speech in enumerate(replica.speeches("live")[::13]):
            name = f"page{n}.html"
            (saved / name).write_bytes(replica.fetch(speech["path"]).body)
            urls.append(f"{name},https://www.justice.gov{speech['id']}")
        (saved / "urls.csv").write_text("\n".join(urls) + "\n")
        (folder / "saved.html").write_bytes((saved / "page1.html").read_bytes())
        session = Session(folder, replica)
        from scraper.replica.wayback import LocalWayback

        with LocalWayback(replica, edited=2, removed=0, seed=1) as session.wayback:
            yield session
        if session.served is not None:
            session.served.send_signal(signal.SIGINT)  # Ctrl-C, as the example says
            assert session.served.wait(timeout=30) == 0


def test_examples_are_collected_from_the_readme_and_every_help():
    readme, helps = readme_examples(), help_examples()
    assert "doj-speeches demo" in readme
    assert any(line.startswith("doj-speeches search") for line in readme)
    assert any(line.startswith("doj-speeches backfill --resume") for line in readme)
    for name in cli.commands:
        assert any(line.split()[1] == name or f"doj-speeches {name}" in line for line in helps), name


def test_every_example_runs_on_the_demo_corpus(session):
    failures = []
    for line in all_examples():
        if line == "doj-speeches demo":
            continue  # the fixture ran it (with --speeches 40) to build the corpus
        for part in [p.strip() for p in line.split("&&")]:
            code, output = run_example(part, session)
            if code != 0 or not output.strip():
                failures.append(f"{part}: exit {code}: {output.strip()[-300:]}")
    assert not failures, "\n".join(failures)


def using_the_data() -> list[str]:
    """The python blocks of the README's "Using the data" section (pandas, DuckDB)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Using the data\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_using_the_data_examples_run_on_a_release_of_the_demo_corpus(session):
    blocks = using_the_data()
    assert len(blocks) == 2 and "import pandas" in blocks[0] and "import duckdb" in blocks[1]
    folder = session.folder / "using"
    folder.mkdir()
    proc = subprocess.run([sys.executable, "-m", "scraper.cli", "release", "--db",
                           str(session.folder / "corpus.db"), "--out", "release-2026-02/"],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for block in blocks:
        proc = subprocess.run([sys.executable, "-c", block], cwd=folder, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Attorney General" in proc.stdout, proc.stdout  # roles and people shown
