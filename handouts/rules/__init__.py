"""Rules: what the page says and in what order, the same for every source and every page.

In: a drug record (``handouts.record.DrugRecord``) or one sentence of a source. Out: plain answers
about it: whether a sentence tells the patient to call now (``urgency``), which side effects the
urgent tiers already name (``overlap``), and what is cut first when a page is full (``cuts``).
Readers use the urgency lexicon while they parse, so this package sits below them and imports only
the record.
"""
