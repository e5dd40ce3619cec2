"""The probing benchmark's peer: Scrapy crawling the same URL list with the same concurrency.

Runs inside ``.bench-venv`` (Scrapy's own venv, from ``bench/scrapy/requirements.lock``); it
imports nothing from jingwang. It fetches every URL of the list once (no link following) and
parses each page the way a crawler must to find anything: title, visible text and links. It does
not write evidence. Every ``*.test`` name resolves to the loopback address the sample web listens
on, as jingwang's own loopback DNS server answers it.

    python bench/scrapy/spider.py URLS.txt OUT.json --concurrency 64 [--delay 0] [--per-host 1]

OUT.json: {"pages": N, "errors": N, "seconds": S, "pages_per_second": R, "peak_rss_mb": M}.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.resolver import CachingThreadedResolver


class LoopbackResolver(CachingThreadedResolver):  # type: ignore[misc]
    """Answers every name with 127.0.0.1, like the sample web's DNS server does."""

    def getHostByName(self, name: str, timeout: Any = None) -> Any:
        from twisted.internet import defer

        return defer.succeed("127.0.0.1")


class ListSpider(scrapy.Spider):  # type: ignore[misc]
    name = "list"

    def __init__(self, urls: list[str], stats: dict[str, int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.counts = stats

    async def start(self) -> Any:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Any) -> None:
        if not hasattr(response, "text"):
            self.counts["pages"] += 1
            return
        selector = scrapy.Selector(text=response.text)
        title = selector.xpath("//title/text()|//card/@title").get()
        text = " ".join(selector.xpath("//body//text()|//card//text()").getall())
        links = selector.xpath("//a/@href|//go/@href|//img/@src").getall()
        self.counts["pages"] += 1
        self.counts["chars"] += len(text) + len(title or "") + len(links)

    def failed(self, failure: Any) -> None:
        self.counts["errors"] += 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--per-host", type=int, default=1)
    args = parser.parse_args(argv)
    urls = args.urls.read_text().split()
    stats = {"pages": 0, "errors": 0, "chars": 0}
    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "CONCURRENT_REQUESTS": args.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host if args.delay else args.concurrency,
            "DOWNLOAD_DELAY": args.delay,
            "RANDOMIZE_DOWNLOAD_DELAY": False,
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": True,
            "RETRY_ENABLED": False,
            "REDIRECT_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "DNS_RESOLVER": f"{__name__}.LoopbackResolver",
            "DOWNLOAD_TIMEOUT": 30,
            "USER_AGENT": "Mozilla/5.0 (Linux; Android 14) jingwang-bench-peer",
        }
    )
    process.crawl(ListSpider, urls=urls, stats=stats)
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        **stats,
        "seconds": seconds,
        "pages_per_second": stats["pages"] / seconds if seconds else 0.0,
        "peak_rss_mb": peak,
    }
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
