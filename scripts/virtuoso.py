"""A private Virtuoso Open Source instance serving a kyodo-lod build: install, start, load, stop.

    python scripts/virtuoso.py start --dir var/virtuoso [--dist dist] [--http-port 8890]
    KYODO_STORE=$(python scripts/virtuoso.py url --dir var/virtuoso) python server.py
    python scripts/virtuoso.py stop --dir var/virtuoso

``start`` installs Debian's Virtuoso when it is missing (as root: apt-get), writes the
instance's own ``virtuoso.ini`` in ``--dir`` (its ports on loopback, a query time limit, a
result row limit above ours, the one folder its loader may read), starts it unless it already
runs, adds an index Virtuoso lacks for our pages (``OBJECT_GRAPH_INDEX``), bulk-loads the
build's named graphs (``kyodo-lod.trig``) and the catalogue
(``catalog.ttl``, as the graph ``<base>graph/catalog``) with Virtuoso's own loader (``ld_dir`` +
``rdf_loader_run`` through isql), waits until its SPARQL endpoint answers and prints that
endpoint's URL (the only line on stdout). It is idempotent: run again, it finds the instance
running with the build loaded and only prints the URL; given another build, it replaces the
graphs of the one loaded before. The ports and the instance's own DBA password (random, in
``--dir``, readable by its owner only) are chosen once and kept in ``--dir``.

Only the binaries are installed (``virtuoso-opensource-7-bin``: ``virtuoso-t`` and ``isql-vt``).
The ``virtuoso-opensource`` package would also start a system-wide instance on the fixed ports
1111/8890 with a DBA password asked for by debconf; this one is private to its folder.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's kyodo_lod

from kyodo_lod.config import Settings
from kyodo_lod.dist import CATALOG, TRIG, BuildFacts
from kyodo_lod.rdf.iris import Iris
from kyodo_lod.store import build_graphs

PACKAGE = "virtuoso-opensource-7-bin"
SERVER, ISQL = "virtuoso-t", "isql-vt"
STATE = "instance.json"  # ports, password file, the build loaded
UNNAMED_GRAPH = "graph/unnamed"  # where the loader would put triples outside a GRAPH (none)


def log(message: str) -> None:
    print(f"virtuoso: {message}", file=sys.stderr, flush=True)


def install() -> None:
    """Install Virtuoso's binaries from Debian when they are missing (needs root)."""
    if shutil.which(SERVER) and shutil.which(ISQL):
        return
    if os.geteuid() != 0:
        sys.exit(f"error: {SERVER} missing; install it as root: apt-get install {PACKAGE}")
    log(f"installing {PACKAGE} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
    ):
        if subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            sys.exit(f"error: could not install {PACKAGE} ({' '.join(command)} failed)")
    if not shutil.which(SERVER):
        sys.exit(f"error: {PACKAGE} installed, but {SERVER} is not on PATH")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ini_text(folder: Path, state: dict, settings: Settings) -> str:
    """The instance's virtuoso.ini: everything in ``folder``, loopback only, our limits."""
    memory_pages = int(state["memory_mb"]) * 128  # 8 kB pages
    # the engine stops a query a little after we have given up on it (our own deadline answers
    # 503 first); it must stop it, as a dropped connection does not
    seconds = math.ceil(settings.query_timeout_s) + 2
    # above our cap, so that a cut is always ours and flagged (Virtuoso's own cut is silent)
    max_rows = max(100_000, settings.max_result_rows * 10)
    f = folder
    return f"""; written by scripts/virtuoso.py: a private instance, regenerated at each start
[Database]
DatabaseFile = {f}/virtuoso.db
ErrorLogFile = {f}/virtuoso.log
LockFile = {f}/virtuoso.lck
TransactionFile = {f}/virtuoso.trx
xa_persistent_file = {f}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {f}/virtuoso-temp.db
TransactionFile = {f}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{state["sql_port"]}
DisableUnixSocket = 1
ServerThreads = {state["threads"]}
CheckpointInterval = 60
NumberOfBuffers = {memory_pages}
MaxDirtyBuffers = {memory_pages * 3 // 4}
MaxQueryMem = {max(64, int(state["memory_mb"]) // 2)}M
DirsAllowed = {f}/load
CaseMode = 2
MaxSortedTopRows = {max_rows}

[HTTPServer]
ServerPort = 127.0.0.1:{state["http_port"]}
ServerRoot = {f}/www
ServerThreads = {state["threads"]}
MaxClientConnections = {state["threads"]}
KeepAliveTimeout = 10
MaxKeepAlives = {state["threads"]}
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {seconds}
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


def running_pid(folder: Path) -> int | None:
    """The instance's process id while it runs (its lock file names it)."""
    lock = folder / "virtuoso.lck"
    try:
        match = re.search(r"VIRT_PID=(\d+)", lock.read_text())
    except OSError:
        return None
    if not match:
        return None
    pid = int(match.group(1))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def sparql_url(state: dict) -> str:
    return f"http://127.0.0.1:{state['http_port']}/sparql"


def answers(url: str) -> bool:
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_until_up(folder: Path, state: dict, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not answers(sparql_url(state)):
        if time.monotonic() > deadline or running_pid(folder) is None:
            fail_with_log(folder, "did not come up")
        time.sleep(0.3)


def fail_with_log(folder: Path, what: str) -> None:
    log_file = folder / "virtuoso.log"
    tail = log_file.read_text(errors="replace")[-3000:] if log_file.is_file() else "(no log)"
    sys.exit(f"error: Virtuoso in {folder} {what}:\n{tail}")


def isql(state: dict, folder: Path, sql: str) -> str:
    """Run ``sql`` through isql as DBA; stop on any error it reports."""
    script = folder / "isql-input.sql"
    script.write_text(sql, encoding="utf-8")
    password = (folder / state["password_file"]).read_text().strip()
    done = subprocess.run(
        [ISQL, f"127.0.0.1:{state['sql_port']}", "dba", password, str(script)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    script.unlink()
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:
        sys.exit(f"error: isql failed:\n{output[-3000:]}")
    return output


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# Virtuoso's default indexes have no way from an object and a graph to the rest when the
# predicate is open: every query names the build's graphs, and a page asks for what links to a
# resource (?s ?p <it>), so Virtuoso scanned the graphs. 1,741 cities: 7 s -> 0.01 s for that
# pattern, a project's document 10.4 s -> 0.5-1.3 s; built in 33 s over 12M quads.
OBJECT_GRAPH_INDEX = (
    "CREATE BITMAP INDEX RDF_QUAD_OGPS ON DB.DBA.RDF_QUAD (O, G, P, S) "
    "PARTITION (O VARCHAR (-1, 0hexffff));\ncheckpoint;\n"
)


def ensure_object_graph_index(folder: Path, state: dict) -> None:
    """Add the index ``OBJECT_GRAPH_INDEX`` says why, unless the database has it."""
    found = isql(
        state,
        folder,
        "SELECT COUNT(*) FROM DB.DBA.SYS_KEYS "
        "WHERE KEY_TABLE = 'DB.DBA.RDF_QUAD' AND KEY_NAME = 'RDF_QUAD_OGPS';",
    )
    if re.search(r"^\s*1\s*$", found, re.M):
        return
    log("adding the object-graph index RDF_QUAD_OGPS")
    isql(state, folder, OBJECT_GRAPH_INDEX)


def load_build(folder: Path, state: dict, dist: Path, settings: Settings) -> None:
    """Replace the graphs loaded before with the build in ``dist`` (Virtuoso's bulk loader)."""
    iris = Iris(settings.base_iri)
    catalog_graph = str(iris.graph("catalog"))
    facts = BuildFacts.read(dist)
    graphs = sorted(build_graphs(dist, settings))
    load_dir = folder / "load"
    shutil.rmtree(load_dir, ignore_errors=True)
    load_dir.mkdir()
    for name in (TRIG, CATALOG):
        if not (dist / name).is_file():
            sys.exit(f"error: {dist / name} missing: build first (kyodo-lod build)")
        shutil.copyfile(dist / name, load_dir / name)
    clear = "".join(
        f"SPARQL CLEAR GRAPH <{g}>;\n" for g in sorted({*state.get("graphs", []), *graphs})
    )
    isql(
        state,
        folder,
        "log_enable(3, 1);\n" + clear + "DELETE FROM DB.DBA.LOAD_LIST;\n"
        f"ld_dir({sql_text(str(load_dir))}, {sql_text(TRIG)}, "
        f"{sql_text(settings.base_iri + UNNAMED_GRAPH)});\n"
        f"ld_dir({sql_text(str(load_dir))}, {sql_text(CATALOG)}, {sql_text(catalog_graph)});\n"
        "rdf_loader_run();\ncheckpoint;\n",
    )
    failed = isql(
        state, folder, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
    )
    if not re.search(r"\b0 Rows\.", failed):
        sys.exit(f"error: Virtuoso's loader reported errors:\n{failed[-3000:]}")
    state.update(build=facts.content_hash, graphs=graphs)
    log(f"loaded build {facts.content_hash} ({len(graphs)} graphs) from {dist}")


def start(args: argparse.Namespace) -> None:
    install()
    folder = Path(args.dir).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    settings = Settings.from_env()
    dist = Path(args.dist).absolute() if args.dist else settings.dist_dir
    state_path = folder / STATE
    state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    state.setdefault("http_port", args.http_port or free_port())
    state.setdefault("sql_port", args.sql_port or free_port())
    state.setdefault("password_file", "dba-password")
    state["memory_mb"] = args.memory_mb
    state["threads"] = args.threads
    fresh = not (folder / "virtuoso.db").exists()
    password_path = folder / state["password_file"]
    if fresh:
        password_path.unlink(missing_ok=True)
    if running_pid(folder) is None:
        (folder / "virtuoso.ini").write_text(ini_text(folder, state, settings), encoding="utf-8")
        log(f"starting in {folder}")
        # +wait: returns once the server is online (it runs on in the background)
        command = [SERVER, "+configfile", str(folder / "virtuoso.ini"), "+wait"]
        if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
            fail_with_log(folder, "did not start")
    wait_until_up(folder, state)
    if not password_path.is_file():
        # a new database's DBA password is the well-known "dba": give it its own at once
        password_path.write_text("dba\n")
        password_path.chmod(0o600)
        new = "k" + secrets.token_hex(16)  # letters and digits: no quoting in isql
        isql(state, folder, f"SET PASSWORD dba {new};\n")
        password_path.write_text(new + "\n")
    state_path.write_text(json.dumps(state, indent=2) + "\n")
    ensure_object_graph_index(folder, state)
    if state.get("build") != BuildFacts.read(dist).content_hash or args.reload:
        load_build(folder, state, dist, settings)
        state_path.write_text(json.dumps(state, indent=2) + "\n")
    print(sparql_url(state), flush=True)


def stop(args: argparse.Namespace) -> None:
    folder = Path(args.dir).absolute()
    pid = running_pid(folder)
    if pid is None:
        log(f"no instance runs in {folder}")
        return
    os.kill(pid, signal.SIGTERM)  # Virtuoso checkpoints and exits on SIGTERM
    deadline = time.monotonic() + 60
    while running_pid(folder) is not None:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    log(f"stopped the instance in {folder}")


def url(args: argparse.Namespace) -> None:
    state_path = Path(args.dir) / STATE
    if not state_path.is_file():
        sys.exit(f"error: no instance in {args.dir}: run start first")
    print(sparql_url(json.loads(state_path.read_text())))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install Virtuoso from Debian when missing")
    for name in ("start", "stop", "url"):
        sub = commands.add_parser(name)
        sub.add_argument("--dir", required=True, help="the instance's own folder")
        if name == "start":
            sub.add_argument("--dist", help="the build to load (default: KYODO_DIST_DIR)")
            sub.add_argument("--http-port", type=int, help="SPARQL/HTTP port (default: free)")
            sub.add_argument("--sql-port", type=int, help="isql port (default: a free one)")
            sub.add_argument("--memory-mb", type=int, default=256, help="buffer memory")
            sub.add_argument(
                "--threads",
                type=int,
                default=20,
                help="HTTP threads: at least the front ends' threads together (default 20)",
            )
            sub.add_argument("--reload", action="store_true", help="load even if loaded")
    args = parser.parse_args(argv)
    {"install": lambda _: install(), "start": start, "stop": stop, "url": url}[args.command](args)


if __name__ == "__main__":
    main()
