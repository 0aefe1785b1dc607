"""Wording a kind of document may not carry: 请示 phrases in a 报告.

《党政机关公文处理工作条例》第十五条（四）：不得在报告等非请示性公文中夹带请示事项。The
validator applies it to a 报告's data, the checker to a 报告 document.
"""

from __future__ import annotations

import re
from typing import Final

#: Phrases that ask for approval, and so make a 报告 into a 请示.
REQUEST_WORDING: Final = re.compile(r"妥否|当否|请批示|请予?批准|请予?审批|请予?批复|请审定|请领导审阅")
