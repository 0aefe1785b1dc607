"""Read a desk page as a browser would: the values its form would submit, its fields' errors, its ids."""

from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The named inputs, textareas and selects of a page, with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.attrs_by_id: dict[str, dict[str, str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: dict[str, str] | None = None
        self._first_option: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
            self.attrs_by_id[a["id"]] = a
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return  # a browser sends only the boxes ticked
            self.values[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._option = a
            if "selected" in a:
                self.values[self._select] = a.get("value", "\0")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data
        elif self._select and self._option is not None and self.values.get(self._select) == "\0":
            self.values[self._select] = data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            if self._textarea and self.values[self._textarea].startswith("\n"):
                self.values[self._textarea] = self.values[self._textarea][1:]  # the newline HTML drops
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None


def read_page(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader
