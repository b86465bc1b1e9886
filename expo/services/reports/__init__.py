"""Live figures and printed reports for organisers and factories.

- ``window``: the local day (or the whole fair) a report covers, and its 15-minute buckets;
- ``figures``: the dashboard's figures, aggregated in SQL; ``drill``: the rows behind one;
- ``charts`` / ``tables``: one description of each chart and figure table, drawn on screen by
  ui/overview and printed by ``daily`` (the organisers' summary, PDF and XLSX);
- ``lead_report``: a factory's leads to take home, one PDF per factory in a batch.

Reports only read: they take a ``Session`` and need no unit of work.
"""
