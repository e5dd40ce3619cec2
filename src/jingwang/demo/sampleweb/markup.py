"""Render a page's content as a WML 1.x deck, an XHTML-MP page or an HTML5 page (text).

A :class:`PageDoc` holds what a page shows; the renderers only lay it out, so the same
content can be served as WML to a WAP handset and as HTML to a smartphone. WML decks get
several cards, a ``$(var)`` placeholder set by ``<setvar>``, ``<do>`` soft keys, a ``<go>``
with ``<postfield>`` and ``wtai://wp/mc;`` dial links; HTML pages get analytics scripts.
Encoding to bytes (and mislabelling) is the generator's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

WML_DOCTYPES = {
    "1.1": '<!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.1//EN" '
    '"http://www.wapforum.org/DTD/wml_1.1.xml">',
    "1.3": '<!DOCTYPE wml PUBLIC "-//WAPFORUM//DTD WML 1.3//EN" '
    '"http://www.wapforum.org/DTD/wml13.dtd">',
}
XHTML_MP_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//WAPFORUM//DTD XHTML Mobile 1.0//EN" '
    '"http://www.wapforum.org/DTD/xhtml-mobile10.dtd">'
)


@dataclass
class PageDoc:
    """What one page shows, independent of its markup."""

    title: str
    lang: str  # "zh" or "en"
    sections: list[list[str]]  # paragraphs per section (a WML card each)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, label)
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt)
    footer: list[str] = field(default_factory=list)  # ICP number, contacts
    dial: str | None = None  # a phone number for a wtai:// link
    scripts: list[str] = field(default_factory=list)  # analytics snippets (HTML only)
    head_extra: str = ""  # extra <head> markup (meta refresh) for HTML and XHTML-MP
    script_body: str = ""  # inline script (location=…) for HTML and XHTML-MP
    channel: tuple[str, str] | None = None  # (label, value): WML link "/list.wml?ch=$(ch)"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _wml_text(text: str) -> str:
    return _e(text).replace("$", "$$")  # a literal dollar is $$ in WML


def render_wml(
    doc: PageDoc,
    *,
    version: str = "1.3",
    xml_encoding: str | None = None,
    card_attrs: str = "",
    first_card_extra: str = "",
) -> str:
    """A WML deck: a card per section plus a search card with ``$(q)`` and ``<postfield>``."""
    decl = (
        f'<?xml version="1.0" encoding="{xml_encoding}"?>'
        if xml_encoding
        else '<?xml version="1.0"?>'
    )
    cards = []
    count = len(doc.sections)
    for index, paragraphs in enumerate(doc.sections):
        card_id = f"c{index + 1}"
        attrs = card_attrs if index == 0 else ""
        body = [first_card_extra] if index == 0 and first_card_extra else []
        if index == 0:
            body.append('<do type="options" label="search"><go href="#search"/></do>')
            if doc.channel:
                label, value = doc.channel
                body.append(
                    f'<do type="accept" label="{_wml_text(label)}"><refresh>'
                    f'<setvar name="ch" value="{_wml_text(value)}"/></refresh></do>'
                )
                body.append(f'<p><a href="/list.wml?ch=$(ch)">{_wml_text(label)}</a></p>')
        body.extend(f"<p>{_wml_text(text)}</p>" for text in paragraphs)
        if index == 0:
            body.extend(
                f'<p><img src="{_e(src)}" alt="{_wml_text(alt)}"/></p>' for src, alt in doc.images
            )
            body.extend(
                f'<p><a href="{_e(href)}">{_wml_text(label)}</a></p>' for href, label in doc.links
            )
        if index + 1 < count:
            body.append(f'<p><a href="#c{index + 2}">&gt;&gt;</a></p>')
        else:
            body.extend(f"<p>{_wml_text(line)}</p>" for line in doc.footer)
            if doc.dial:
                body.append(f'<p><a href="wtai://wp/mc;{doc.dial}">{_e(doc.dial)}</a></p>')
        title = _wml_text(doc.title)
        cards.append(
            f'<card id="{card_id}" title="{title}"{attrs}>\n' + "\n".join(body) + "\n</card>"
        )
    cards.append(
        '<card id="search" title="search">\n'
        '<onevent type="onenterforward"><refresh><setvar name="q" value=""/></refresh></onevent>\n'
        '<p><input name="q" title="q"/></p>\n'
        '<do type="accept" label="go"><go href="/search.wml" method="post">'
        '<postfield name="q" value="$(q)"/><postfield name="from" value="wap"/></go></do>\n'
        '<p><a href="/search.wml?q=$(q:e)">$(q)</a></p>\n'
        "</card>"
    )
    return f"{decl}\n{WML_DOCTYPES[version]}\n<wml>\n" + "\n".join(cards) + "\n</wml>\n"


def _html_body(doc: PageDoc) -> list[str]:
    out = [f"<h1>{_e(doc.title)}</h1>"]
    for paragraphs in doc.sections:
        out.append("<div>" + "".join(f"<p>{_e(text)}</p>" for text in paragraphs) + "</div>")
    out.extend(f'<p><img src="{_e(src)}" alt="{_e(alt)}"/></p>' for src, alt in doc.images)
    out.append(
        "<ul>"
        + "".join(f'<li><a href="{_e(href)}">{_e(label)}</a></li>' for href, label in doc.links)
        + "</ul>"
    )
    if doc.dial:
        out.append(f'<p><a href="wtai://wp/mc;{doc.dial}">{_e(doc.dial)}</a></p>')
    out.append('<div class="footer">' + "<br/>".join(_e(line) for line in doc.footer) + "</div>")
    if doc.script_body:
        out.append(f'<script type="text/javascript">{doc.script_body}</script>')
    out.extend(doc.scripts)
    return out


def render_xhtml_mp(doc: PageDoc, *, xml_encoding: str | None, meta_charset: str | None) -> str:
    """An XHTML Mobile Profile page (served as application/vnd.wap.xhtml+xml)."""
    decl = f'<?xml version="1.0" encoding="{xml_encoding}"?>\n' if xml_encoding else ""
    meta = (
        f'<meta http-equiv="Content-Type" content="application/vnd.wap.xhtml+xml; '
        f'charset={meta_charset}"/>'
        if meta_charset
        else ""
    )
    head = f"<head>{meta}<title>{_e(doc.title)}</title>"
    head += '<link rel="icon" href="/favicon.ico"/>' + doc.head_extra + "</head>"
    body = "\n".join(_html_body(doc))
    return (
        f'{decl}{XHTML_MP_DOCTYPE}\n<html xmlns="http://www.w3.org/1999/xhtml">\n'
        f"{head}\n<body>\n{body}\n</body>\n</html>\n"
    )


def render_html5(doc: PageDoc, *, meta_charset: str | None) -> str:
    """An HTML5 page for smartphones."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    lang = "zh-CN" if doc.lang == "zh" else "en"
    head = (
        f'<head>{meta}<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{_e(doc.title)}</title><link rel="shortcut icon" href="/favicon.ico">'
        f"{doc.head_extra}</head>"
    )
    body = "\n".join(_html_body(doc))
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n{head}\n<body>\n{body}\n</body>\n</html>\n'


__all__ = [
    "WML_DOCTYPES",
    "XHTML_MP_DOCTYPE",
    "PageDoc",
    "render_html5",
    "render_wml",
    "render_xhtml_mp",
]
