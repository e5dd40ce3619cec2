"""The sample mobile web: a deterministic generator and a loopback server (issue 5, item 1).

Thousands of made-up ``.test`` sites as a 2009 handset saw them (WML decks, XHTML-MP and
HTML5 pages in GB2312/GBK/GB18030, Big5 and UTF-8, some mislabelled), porn-like (mild words
only, never anything about minors), benign and in between, plus redirectors, slow, broken
and hostile servers, each with its ground truth. Tests, benchmarks and the demo probe it.

    web = generate(seed=2009, sites=200)
    with serve(web) as running:
        running.url("th-meinv.test", "/wap/index.wml")  # http://th-meinv.test:PORT/wap/index.wml

See docs/sample-web.md.
"""

from jingwang.demo.sampleweb.content import FORBIDDEN_WORDS, Topic
from jingwang.demo.sampleweb.demo_sites import DEMO_SITES
from jingwang.demo.sampleweb.generator import generate
from jingwang.demo.sampleweb.model import (
    CONTENT_KINDS,
    CharsetTruth,
    ClientClass,
    ExpectedId,
    Filing,
    Resource,
    SampleSite,
    SampleWeb,
    SiteKind,
    SiteTruth,
    client_class,
)
from jingwang.demo.sampleweb.process import ServerProcess, serve_process
from jingwang.demo.sampleweb.server import RunningWeb, serve
from jingwang.demo.sampleweb.sites import SiteSpec

__all__ = [
    "CONTENT_KINDS",
    "DEMO_SITES",
    "FORBIDDEN_WORDS",
    "CharsetTruth",
    "ClientClass",
    "ExpectedId",
    "Filing",
    "Resource",
    "RunningWeb",
    "SampleSite",
    "SampleWeb",
    "ServerProcess",
    "SiteKind",
    "SiteSpec",
    "SiteTruth",
    "Topic",
    "client_class",
    "generate",
    "serve",
    "serve_process",
]
