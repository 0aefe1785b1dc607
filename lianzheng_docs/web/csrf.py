"""CSRF protection for the desk's forms: every POST of a page carries a token only the desk's own
pages know, checked by :func:`posted_form` before a view reads a single field.

The token is an HMAC, under a secret made when the app starts, of the request's session (its
id when signed in, ``本机`` on the loopback desk without accounts). Another site's page can make a
browser post to the desk but cannot read the desk's pages, so it cannot know the token. The
guard's Origin check (:mod:`.guard`) stays as a second wall. The JSON API is not cookie-authenticated
(tokens in a header), so it needs none.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.datastructures import FormData
from starlette.requests import Request

from .access import Forbidden

#: The form field every page's POST form carries (``{% include "_csrf.html" %}``).
FIELD = "csrf"
#: Inputs one form may send (a 考核 score sheet with many rows has a few hundred).
MAX_FIELDS = 5000


class CsrfRefused(Forbidden):
    """A form posted without the token of this session: from another site, or a page too old."""


def session_key(request: Request) -> str:
    """What the token is bound to: the signed-in session's id, else the local desk."""
    return str(getattr(request.state, "session_id", "") or "本机")


def csrf_token(request: Request) -> str:
    """The token the pages of this request's session put in their forms."""
    secret: bytes = request.app.state.desk.secret
    return hmac.new(secret, session_key(request).encode(), hashlib.sha256).hexdigest()


async def posted_form(request: Request, *, max_fields: int = MAX_FIELDS, max_files: int = 0) -> FormData:
    """The form of a POST, once its CSRF token is found good; :class:`CsrfRefused` otherwise.

    ``max_files`` is 0 except on the upload pages (名册, 检查), which pass 1.
    """
    form = await request.form(max_fields=max_fields, max_files=max_files)
    sent = form.get(FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request)):
        await form.close()  # an upload spooled to a temporary file is let go at once
        raise CsrfRefused("表单已过期或来自其他网站（缺少有效的校验码）；请刷新页面后重新提交")
    return form
