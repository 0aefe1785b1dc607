"""Reading a laid-out document for the finishing step: where its body ends and its 版记 landed.

The rules are those of GB/T 9704 7.4 and 7.5: the 版记 is on the last face of the document, the
back of the last sheet, so the last page is even; its last rule is the bottom of the text area;
it sits clear of the body; and when it cannot share the body's last page, the pages after the
body (the 版记 page, and a blank page before it when one is needed) carry no page number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..check.rendered import Imprint, RenderedPage
from .imprint import Move

#: Space (mm) the 版记's first rule keeps from the body's last line above it.
CLEARANCE_MM = 0.5


@dataclass(frozen=True)
class Pagination:
    """Where things are: the body's last page, the 版记's page, the total, and collisions."""

    pages: int
    body_last: int  # the last page with body text (0 when there is none)
    imprint_page: int | None  # None when the layout shows no 版记
    collides: bool  # body text on the 版记's page runs into it, or a line crosses one of its rules

    @property
    def right(self) -> bool:
        """The 版记 is on the last page, an even one, clear of the body."""
        return (
            self.imprint_page is not None
            and self.imprint_page == self.pages
            and self.pages % 2 == 0
            and not self.collides
        )


def paginate(pages: Sequence[RenderedPage]) -> Pagination:
    """Read the pagination of a laid-out document."""
    found = [page for page in pages if page.imprint is not None]
    imprint_page = found[-1] if found else None
    imprint = imprint_page.imprint if imprint_page else None
    body_last = 0
    collides = False
    for page in pages:
        own = set(imprint.lines) if imprint and page is imprint_page else set()
        body = [line for line in page.content if line not in own]
        if body:
            body_last = page.number
        if imprint and page is imprint_page:
            collides = collides or _runs_into(body, imprint)
        collides = collides or any(
            line.crosses(rule.y, rule.x0, rule.x1) for rule in page.rules if not rule.red for line in page.content
        )
    return Pagination(len(pages), body_last, imprint_page.number if imprint_page else None, collides)


def _runs_into(body: Sequence[object], imprint: Imprint) -> bool:
    return any(getattr(line, "bottom", 0.0) > imprint.top - CLEARANCE_MM for line in body)


def move_for(pagination: Pagination) -> Move:
    """What to do with the 版记 so that it lands on the last, even page, clear of the body."""
    if pagination.right and pagination.imprint_page == pagination.body_last:
        return Move.NONE
    if pagination.body_last % 2 == 1:
        return Move.NEXT_PAGE
    return Move.AFTER_BLANK


def problems_after(pages: Sequence[RenderedPage], move: Move) -> list[str]:
    """What the layout after ``move`` still gets wrong, in Chinese (empty when it is right)."""
    pagination = paginate(pages)
    problems = []
    if pagination.imprint_page is None:
        return ["排版结果中找不到版记"]
    if pagination.imprint_page != pagination.pages:
        problems.append(f"版记在第 {pagination.imprint_page} 页，不在末页（共 {pagination.pages} 页）")
    if pagination.pages % 2:
        problems.append(f"版记所在的末页是第 {pagination.pages} 页（奇数页），应在偶数页")
    if pagination.collides:
        problems.append("版记与正文重叠或有文字压线")
    if move is not Move.NONE:
        for page in pages[pagination.body_last :]:
            if page.page_number is not None:
                kind = "版记页" if page.number == pagination.imprint_page else "空白页"
                problems.append(f"第 {page.number} 页是{kind}，不应编排页码")
        expected_blank = 1 if move is Move.AFTER_BLANK else 0
        blank = pagination.imprint_page - pagination.body_last - 1
        if blank != expected_blank:
            problems.append(f"正文末页与版记页之间有 {blank} 页空白（应为 {expected_blank} 页）")
    return problems
