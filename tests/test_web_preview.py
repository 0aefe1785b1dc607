"""The form's 预览 (pages as images) and 下载 PDF: what ``render --pdf`` makes, shown and sent.

The tests with LibreOffice share one preview of the 廉政风险告知书 (a LibreOffice start costs
seconds); the store, the page images, the refusals and the desk without LibreOffice need none.
"""

from __future__ import annotations

import io
import re
import threading
from html import unescape

import pytest
from pypdf import PdfReader, PdfWriter
from starlette.testclient import TestClient

from lianzheng_docs.pdf import convert as convert_module
from lianzheng_docs.web import create_app, documents, preview
from lianzheng_docs.web.preview import Page, Preview, PreviewNotFound, PreviewStore

from webpage import read_page

PNG = b"\x89PNG\r\n\x1a\n"


def form_values(client: TestClient, template_id: str = "risk_notice") -> dict[str, str]:
    return read_page(client.get(f"/templates/{template_id}").text).values


def image_urls(html: str) -> list[str]:
    return re.findall(r'<img src="(/preview/[^"]+\.png)" alt="第 (\d+) 页"', html)  # type: ignore[return-value]


# ---------------------------------------------------------------------- with LibreOffice


@pytest.fixture(scope="module")
def previewed(tmp_path_factory, soffice):
    """A desk, the 告知书 form's values (with markup in 主送), and the answer to its 预览."""
    with TestClient(create_app(tmp_path_factory.mktemp("archive"), hosts=["testserver"])) as client:
        values = form_values(client) | {"recipient": "测试<b>县</b>财政局"}
        answer = client.post("/templates/risk_notice", data=values | {"action": "preview"})
        yield client, values, answer


@pytest.mark.libreoffice
def test_the_preview_shows_every_page_as_a_real_png_below_the_form(previewed):
    client, _values, answer = previewed
    assert answer.status_code == 200, answer.text[:3000]
    images = image_urls(answer.text)
    count = int(re.search(r'id="preview-pages">(\d+)<', answer.text)[1])
    assert count >= 2 and [int(n) for _url, n in images] == list(range(1, count + 1))
    assert answer.text.index('id="preview"') > answer.text.index("</form>")
    pdf = client.get(re.search(r'href="(/preview/[^"]+/document\.pdf)"', answer.text)[1])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == count  # the count shown is the PDF's
    for url, _n in images:
        image = client.get(url)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        png = image.content
        assert png.startswith(PNG) and png[12:16] == b"IHDR"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert 600 < width < 700 and abs(height / width - 297 / 210) < 0.01  # A4 at 80 dpi
        assert f'width="{width}" height="{height}"' in answer.text


@pytest.mark.libreoffice
def test_the_preview_keeps_the_form_as_typed_and_escapes_the_title(previewed):
    _client, _values, answer = previewed
    assert read_page(answer.text).values["recipient"] == "测试<b>县</b>财政局"
    assert "<b>县</b>" not in answer.text and "测试&lt;b&gt;县&lt;/b&gt;财政局" in answer.text
    assert 'formaction="/templates/risk_notice#preview"' in answer.text  # the answer opens at the pages


@pytest.mark.libreoffice
def test_the_form_downloads_the_pdf_render_pdf_makes(previewed):
    client, values, _answer = previewed
    answer = client.post("/templates/risk_notice", data=values | {"action": "pdf"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert (
        answer.headers["content-disposition"].endswith(".pdf")
        and "filename*=UTF-8''%E5%BB%89" in (answer.headers["content-disposition"])
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "廉政风险告知书" in text.replace(" ", "")


@pytest.mark.libreoffice
def test_the_pdf_the_desk_makes_passes_the_desks_own_check(previewed):
    client, values, _answer = previewed
    pdf = client.post("/templates/risk_notice", data=values | {"action": "pdf"}).content
    token = read_page(client.get("/check").text).values["csrf"]
    page = client.post("/check", data={"csrf": token}, files={"document": ("告知书.pdf", pdf, "application/pdf")})
    assert page.status_code == 200 and "<strong>通过</strong>" in page.text, unescape(page.text)[-3000:]


@pytest.mark.libreoffice
def test_a_preview_id_leads_only_to_its_own_images(previewed):
    client, _values, answer = previewed
    (url, _n), *_ = image_urls(answer.text)
    preview_id = url.split("/")[2]
    other_id = preview_id[:-1] + ("B" if preview_id.endswith("A") else "A")  # well formed, not made
    for path in (
        f"/preview/{preview_id}/0.png",
        f"/preview/{preview_id}/99.png",
        f"/preview/{preview_id}/-1.png",
        f"/preview/{preview_id}/1.jpg",
        f"/preview/{other_id}/1.png",
        f"/preview/{preview_id}/../../etc/passwd",
        f"/preview/{preview_id}%2F..%2F..%2Fetc%2Fpasswd/1.png",
        "/preview/..%2F..%2F..%2Fetc%2Fpasswd/1.png",
        "/preview/%2e%2e/1.png",
        "/preview/....................../1.png",
        "/preview/etc/passwd.png",
        f"/preview/{preview_id}/1.png/..",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert not answer.content.startswith(PNG) and b"root:" not in answer.content


# ---------------------------------------------------------------------- without LibreOffice


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(tmp_path / "archive", hosts=["testserver"])) as test_client:
        yield test_client


def test_without_libreoffice_the_preview_says_so_and_the_form_still_works(client, monkeypatch):
    monkeypatch.setattr(convert_module, "SOFFICE_NAMES", ("no-such-soffice",))
    values = form_values(client) | {"recipient": "测试县财政局"}
    for action, words in (("preview", "无法预览"), ("pdf", "无法生成 PDF")):
        answer = client.post("/templates/risk_notice", data=values | {"action": action})
        assert answer.status_code == 503
        assert words in unescape(answer.text) and "LibreOffice" in answer.text and "apt-get install" in answer.text
        assert read_page(answer.text).values["recipient"] == "测试县财政局"  # what was typed is kept
        assert 'id="preview"' not in answer.text
    answer = client.post("/templates/risk_notice", data=values | {"action": "download"})
    assert answer.status_code == 200 and answer.content.startswith(b"PK")


def test_a_preview_of_data_with_problems_shows_the_problems_not_pages(client, monkeypatch):
    monkeypatch.setattr(convert_module, "SOFFICE_NAMES", ("no-such-soffice",))  # problems come first
    values = form_values(client) | {"date": "2026-13-45"}
    answer = client.post("/templates/risk_notice", data=values | {"action": "preview"})
    assert answer.status_code == 422
    assert 'id="error-summary"' in answer.text and 'href="#f-date"' in answer.text
    assert 'id="preview"' not in answer.text and "无法预览" not in answer.text


def test_a_preview_post_without_the_csrf_token_is_refused(client, monkeypatch):
    made = []
    monkeypatch.setattr("lianzheng_docs.web.pages.make_preview", lambda *args: made.append(args))
    values = form_values(client)
    del values["csrf"]
    assert client.post("/templates/risk_notice", data=values | {"action": "preview"}).status_code == 403
    assert client.post("/templates/risk_notice", data=values | {"action": "pdf"}).status_code == 403
    assert made == []


def test_a_preview_is_served_only_to_the_session_that_made_it(client):
    kept = PreviewStore()
    client.app.state.previews = kept  # type: ignore[attr-defined]
    mine = kept.add(Preview("题名", [Page(PNG + b"\0\0\0\rIHDR", 1, 1)], 1, b"%PDF-1.7"), owner="本机")
    theirs = kept.add(Preview("别人的", [Page(PNG + b"other", 1, 1)], 1, b"%PDF-1.7"), owner="另一个会话")
    assert client.get(f"/preview/{mine.id}/1.png").content.startswith(PNG)
    assert client.get(f"/preview/{mine.id}/document.pdf").content == b"%PDF-1.7"
    assert client.get(f"/preview/{theirs.id}/1.png").status_code == 404
    assert client.get(f"/preview/{theirs.id}/document.pdf").status_code == 404


def test_the_preview_section_shows_the_warnings_and_says_when_pages_are_left_out(client, monkeypatch):
    png = PNG + bytes(4) + b"IHDR" + (661).to_bytes(4, "big") + (935).to_bytes(4, "big")
    made = Preview("题名<i>斜</i>", [Page(png, 661, 935)] * 2, 45, b"%PDF-1.7", ["字体回退到了意外的 <DejaVu>"])
    monkeypatch.setattr("lianzheng_docs.web.pages.make_preview", lambda template, data: made)
    answer = client.post("/templates/risk_notice", data=form_values(client) | {"action": "preview"})
    assert answer.status_code == 200
    text = unescape(answer.text)
    assert 'id="preview-pages">45<' in answer.text and "只显示前 2 页" in text
    assert "字体回退到了意外的 <DejaVu>" in text and "&lt;DejaVu&gt;" in answer.text
    assert "题名&lt;i&gt;斜&lt;/i&gt;" in answer.text
    assert [n for _url, n in image_urls(answer.text)] == ["1", "2"]
    assert client.get(image_urls(answer.text)[1][0]).content == png


# ---------------------------------------------------------------------- the store and the images


def a_preview(size: int = 10) -> Preview:
    return Preview("题名", [Page(bytes(size), 1, 1)], 1)


def test_the_store_keeps_the_newest_and_forgets_the_old():
    now = [1000.0]
    store = PreviewStore(limit=3, ttl=600, clock=lambda: now[0])
    ids = [store.add(a_preview(), owner="本机").id for _ in range(4)]
    assert len(set(ids)) == 4 and all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)
    with pytest.raises(PreviewNotFound):
        store.get(ids[0], "本机")  # pushed out by the fourth
    assert store.get(ids[3], "本机").title == "题名"
    with pytest.raises(PreviewNotFound):
        store.get(ids[3], "别人")
    now[0] += 601
    assert len(store) == 0
    with pytest.raises(PreviewNotFound):
        store.get(ids[3], "本机")


def test_the_store_holds_a_bounded_number_of_bytes_but_always_the_newest():
    store = PreviewStore(limit=20, max_bytes=25)
    first = store.add(a_preview(10), owner="o")
    second = store.add(a_preview(10), owner="o")
    third = store.add(a_preview(10), owner="o")  # 30 bytes: the first goes
    assert len(store) == 2 and store.get(third.id, "o") and store.get(second.id, "o")
    with pytest.raises(PreviewNotFound):
        store.get(first.id, "o")
    big = store.add(a_preview(100), owner="o")  # over the budget alone: kept, the others go
    assert len(store) == 1 and store.get(big.id, "o")


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "a" * 21, "a" * 23, "a" * 21 + "/", "a" * 21 + "."])
def test_an_id_of_the_wrong_form_is_never_looked_up(bad):
    store = PreviewStore()
    with pytest.raises(PreviewNotFound):
        store.get(bad, "本机")


def test_pages_are_drawn_as_png_of_the_pdfs_page_size():
    if preview.shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595.28, 841.89)  # A4
    writer.add_blank_page(841.89, 595.28)  # A4 across
    out = io.BytesIO()
    writer.write(out)
    pages = preview.page_images(out.getvalue(), dpi=60, max_pages=3)
    assert len(pages) == 3  # only as many as asked
    assert all(page.png.startswith(PNG) for page in pages)
    assert all(abs(page.width - 496) <= 1 and abs(page.height - 701) <= 1 for page in pages)  # 210 x 297 mm at 60 dpi


def test_without_pdftoppm_the_preview_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(preview.shutil, "which", lambda name: None)
    with pytest.raises(convert_module.ConversionError, match="poppler-utils"):
        preview.page_images(b"%PDF-1.7")


def test_libreoffice_runs_wait_their_turn_and_a_long_wait_is_told_busy():
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with documents.libreoffice_turn():
            held.set()
            release.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(documents.LIBREOFFICE_RUNS)]
    for thread in threads:
        thread.start()
    try:
        held.wait(5)
        while documents._turns._value:  # every turn taken
            threading.Event().wait(0.01)
        with pytest.raises(documents.Busy, match="服务器正忙"), documents.libreoffice_turn(wait=0.05):
            pass
    finally:
        release.set()
        for thread in threads:
            thread.join()
    with documents.libreoffice_turn(wait=0.05):  # free again
        pass
