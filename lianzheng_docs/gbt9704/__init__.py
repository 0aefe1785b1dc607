"""GB/T 9704-2012 and the rules that go with it, written once for every layer that needs them.

The layout kit writes these figures, the validator accepts data by these grammars, the checker
judges documents by them and the archive numbers documents with them; none of those layers
imports another for a rule. This package imports nothing from the rest of the library except
the foundation modules.
"""
