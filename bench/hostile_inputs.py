"""What bench_hostile.py throws at the server: generated and mutated SPARQL queries, hostile raw
HTTP requests, and a trap server on loopback that SERVICE/LOAD/FROM in them point at (it must
never be contacted). Deterministic for a seed."""

from __future__ import annotations

import random
import socket
import threading
from urllib.parse import quote

KYODO = "https://kyodo-lod.example/def/kyodo#"
PREFIXES = (
    f"PREFIX kyodo: <{KYODO}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>\n"
)
HOSTILE_LITERALS = [
    '"</script><script>alert(1)</script>"',
    '"<!--"',
    '"\\u0000"',
    '"a\\"b"',
    "'&amp;&lt;'",
    '"""x\ny"""',
    '"推進"@ja',
    '"9" ^^ <http://www.w3.org/2001/XMLSchema#integer>',
    '"' + "x" * 5000 + '"',
    '"(a+)+$"',
]


class TrapServer:
    """A TCP server on loopback that only counts who connects to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.contacts = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.contacts += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.sock.close()


# ------------------------------------------------------------------ SPARQL


def _pattern(rng: random.Random, depth: int, trap: str) -> str:
    def var() -> str:
        return "?" + rng.choice("spoxyzabc")

    def term() -> str:
        terms = ["kyodo:Project", "rdfs:label", "a", f"<{trap}x>", *HOSTILE_LITERALS[:4]]
        return rng.choice([var(), var(), *terms])

    if depth <= 0:
        return f"{var()} {rng.choice([var(), 'rdfs:label', 'a', 'kyodo:sdgTarget'])} {term()} ."
    choice = rng.randrange(9)
    inner = _pattern(rng, depth - 1, trap)
    return [
        f"{{ {inner} }}",
        f"OPTIONAL {{ {inner} }}",
        f"{{ {inner} }} UNION {{ {_pattern(rng, depth - 1, trap)} }}",
        f"{inner} FILTER(CONTAINS(STR({var()}), {rng.choice(HOSTILE_LITERALS)}))",
        f"{inner} FILTER(REGEX(STR({var()}), {rng.choice(HOSTILE_LITERALS)}, 'i'))",
        f"{inner} BIND(STRLEN(STR({var()})) AS ?len{depth})",
        f"{var()} (rdfs:label|^kyodo:sdgTarget)*/a {var()} . {inner}",
        f"VALUES {var()} {{ {rng.choice(HOSTILE_LITERALS)} <{trap}> }} {inner}",
        f"MINUS {{ {inner} }} {inner}",
    ][choice]


def generated_query(rng: random.Random, trap: str) -> str:
    """A query from a small grammar: mostly valid, bounded by LIMIT, hostile literals inside."""
    body = _pattern(rng, rng.randrange(4), trap)
    form = rng.randrange(6)
    if form == 0:
        return f"{PREFIXES}ASK {{ {body} }}"
    if form == 1:
        return f"{PREFIXES}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {body} ?s ?p ?o }} LIMIT 20"
    if form == 2:
        return f"{PREFIXES}DESCRIBE ?s WHERE {{ {body} }} LIMIT 3"
    if form == 3:
        return (
            f"{PREFIXES}SELECT ?s (COUNT(*) AS ?n) (GROUP_CONCAT(STR(?o)) AS ?all) "
            f"WHERE {{ {body} }} GROUP BY ?s ORDER BY DESC(?n) LIMIT 10"
        )
    return f"{PREFIXES}SELECT * WHERE {{ {body} }} LIMIT {rng.choice([1, 10, 100, 10**12])}"


def trap_query(rng: random.Random, trap: str) -> str:
    """A query that would reach the trap server if any guard let it through."""
    forms = [
        f"SELECT * WHERE {{ SERVICE <{trap}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{trap}> {{ ?s ?p ?o }} }}",
        f"SELECT*{{SERVICE<{trap}>{{?s ?p ?o}}}}",
        f"PREFIX t: <{trap}>\nSELECT * WHERE {{ SERVICE t:x {{ ?s ?p ?o }} }}",
        f"BASE <{trap}>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE # comment\n <{trap}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{trap}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{trap}data.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1",
        f"SELECT * FROM NAMED <{trap}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{trap}data.ttl>",
        f"LOAD SILENT <{trap}data.ttl> INTO GRAPH <{trap}g>",
        f"INSERT DATA {{ <{trap}> <{trap}> <{trap}> }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{trap}> WHERE {{ ?s ?p ?o }}",
        f'SELECT * WHERE {{ BIND(IRI("{trap}") AS ?x) ?x ?p ?o }}',
    ]
    return rng.choice(forms)


_NOISE = [*"{}()[]<>\"'\\#?$:.;,*+^|!%@\n\t ", "\0", "\u2028", "\ufeff", "𝔘", "SERVICE"]


def mutated_query(rng: random.Random, seed_query: str) -> str:
    """``seed_query`` with a few random edits: deleted, inserted, doubled, cut."""
    text = seed_query
    for _ in range(rng.randrange(1, 5)):
        if not text:
            break
        at = rng.randrange(len(text))
        edit = rng.randrange(6)
        if edit == 0:
            text = text[:at] + text[at + 1 :]
        elif edit == 1:
            text = text[:at] + rng.choice(_NOISE) + text[at:]
        elif edit == 2:
            end = min(len(text), at + rng.randrange(1, 40))
            text = text[:end] + text[at:end] * rng.randrange(1, 50) + text[end:]
        elif edit == 3:
            text = text[:at]
        elif edit == 4:
            text = text[:at] + "{" * rng.randrange(50, 500) + text[at:]
        else:
            text = text.replace(" ", rng.choice(["", "\n", "/**/", " # x\n"]), 1)
    return text


# ------------------------------------------------------------------ raw HTTP


def _request(
    method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body


PAGES = ["/", "/sdg/", "/sdg/17", "/sdg/17.17", "/catalog", "/sparql", "/def/kyodo", "/compare"]
TRAVERSALS = [
    "/dumps/../server.py",
    "/dumps/../../../../etc/passwd",
    "/dumps/..%2f..%2f..%2fetc%2fpasswd",
    "/dumps/%2e%2e/%2e%2e/etc/passwd",
    "/dumps/....//....//etc/passwd",
    "/static/../../kyodo_lod/config.py",
    "/static/..%2f..%2fconfig.py",
    "/vendor/../../../../etc/passwd",
    "/vendor/%2e%2e%2f%2e%2e%2fserver.py",
    "/doc/../../etc/passwd",
    "/id/..%2f..%2f..%2fetc%2fpasswd",
    "//etc/passwd",
    "/dumps/..\\..\\server.py",
    "/dumps/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
]
# what a file outside what is published would show if it leaked
LEAK_MARKERS = (b"root:x:0:0", b"def main(", b"class Settings")


def hostile_requests(rng: random.Random, count: int, trap: str) -> list[tuple[str, bytes]]:
    """``count`` (kind, raw request bytes), round-robin over the kinds of abuse."""
    deep = "SELECT * WHERE " + "{" * 10_000 + "?s ?p ?o" + "}" * 10_000
    makers = {
        "overlong URL": lambda: _request(
            "GET", rng.choice(PAGES) + "?x=" + "a" * rng.choice([8_000, 70_000, 300_000])
        ),
        "overlong path": lambda: _request(
            "GET", "/doc/" + "x/" * rng.choice([1_000, 20_000, 120_000])
        ),
        "bad percent-encoding": lambda: _request(
            "GET",
            rng.choice(["/doc/", "/id/", "/sdg/", "/dumps/", "/sparql?query=", "/?lang="])
            + rng.choice(["%ZZ", "%C3%28", "%00", "%", "%E2%82", "%FF%FE", "%C0%AE", "%25ZZ"])
            + rng.choice(["", "x", "%0d%0aSet-Cookie:%20x=1"]),
        ),
        "NUL": lambda: _request("GET", rng.choice(PAGES) + rng.choice(["\0", "%00", "?q=\0"])),
        "raw ..": lambda: _request("GET", rng.choice(TRAVERSALS)),
        "garbage Accept": lambda: _request(
            "GET",
            rng.choice([*PAGES, "/doc/x", "/sparql?query=ASK%7B%7D"]),
            {
                rng.choice(["Accept", "Accept-Language", "If-None-Match", "Accept-Encoding"]): (
                    rng.choice(
                        [
                            "*/*;q=abc",
                            "text/html;q=1e9999",
                            ";;;,,,;q=",
                            "\x01\x7f\xff",
                            "ja;q=NaN, en;q=-1",
                            'W/"' + "x" * 8000 + '"',
                            "application/" + "+" * 5000,
                        ]
                    )
                )
            },
        ),
        "1,000-item header": lambda: _request(
            "GET",
            rng.choice([*PAGES, "/sparql?query=ASK%7B%7D", "/dumps/kyodo-lod.ttl"]),
            {
                "Accept": ", ".join(f"type{i}/sub{i};q=0.{i % 10}" for i in range(1000)),
                "Accept-Language": ", ".join(f"x{i};q=0.{i % 9 + 1}" for i in range(1000)),
                "If-None-Match": ", ".join(f'"etag-{i}"' for i in range(1000)),
            },
        ),
        "2 MB POST": lambda: _request(
            "POST",
            rng.choice(["/sparql", "/doc/x", "/"]),
            {"Content-Type": rng.choice(["application/sparql-query", "text/plain"])},
            b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (2 << 20),
        ),
        "10,000 nested braces": lambda: _request(
            "POST", "/sparql", {"Content-Type": "application/sparql-query"}, deep.encode()
        ),
        "trap via parameters": lambda: _request(
            "GET",
            "/sparql?query="
            + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            + rng.choice(["&default-graph-uri=", "&named-graph-uri="])
            + quote(trap),
        ),
        "bad method and headers": lambda: rng.choice(
            [
                _request("DELETE", "/sparql"),
                _request("PUT", "/dumps/kyodo-lod.ttl", body=b"x"),
                b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(64),  # a TLS hello
                b"GET /" + bytes(range(1, 32)) + b" HTTP/1.1\r\n\r\n",
                b"GET / HTTP/9.9\r\n\r\n",
            ]
        ),
    }
    kinds = list(makers)
    return [(kinds[i % len(kinds)], makers[kinds[i % len(kinds)]]()) for i in range(count)]
