"""GB/T 9704-2012 and the rules that go with it, written once for every layer that needs them.

The layout kit writes these figures and forms, the validator accepts data by these grammars, the
checker judges documents by them and the archive numbers documents with them; none of those
layers imports another for a rule. One small module per rule:

- :mod:`.figures`: paper, margins, grid, sizes and faces (5, 7), in OOXML units;
- :mod:`.docnumber`: the 发文字号 (7.2.5), strict and loose, its corrected form, format and parse;
- :mod:`.marks`: 份号, 密级和保密期限, 紧急程度 (7.2.1-7.2.3) and the words allowed in them;
- :mod:`.dates`: 成文日期 and 印发日期 in Arabic numerals without leading zeros (7.3.5.4, 7.4.3);
- :mod:`.titles`: where a title may break (between words, rjieba plus the domain's terms) and
  how its lines are arranged, 倒梯形 first (7.3.1);
- :mod:`.pagenumber`: the page number "— 1 —" between 一字线 (7.5);
- :mod:`.wording`: 请示 phrases a 报告 may not carry (《党政机关公文处理工作条例》第十五条);
- :mod:`.kinds`: the 15 文种 of 条例第八条 read from a title (复函 is a 函, ××令 a 命令), the 上行文
  kinds, and the special formats of chapter 10 (信函, 命令, 纪要) with their 令号 and numbers.

This package imports nothing from the rest of the library except :mod:`lianzheng_docs.errors`
(third-party libraries are fine: rjieba for word boundaries).
"""
